"""The organisation's policies and the public signed commitments page, in Chromium with
axe-core: HR previews and publishes the carers' policy; an employee reads it from the passport
home; the partnership lead makes the signed commitments page public and a signed-out visitor
opens it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from policies.models import PolicyVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "We help staff who look after someone keep their job and their caring."
BODY = "## What we offer\n\n- A carer's passport\n- Carer's leave from your first day"


def test_hr_publishes_the_carers_policy_and_an_employee_reads_it_from_the_passport_home(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    hr = open_tab()
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/")
    hr.follow(lambda: page.get_by_role("link", name="Policies for carers").click())
    hr.follow(lambda: page.get_by_role("link", name="Write it (Carers' policy)").click())

    # A link that is not a web address is refused, with what was typed kept.
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("The policy").fill(BODY)
    page.get_by_label("Link to the full document (optional)").fill("javascript:alert(1)")
    hr.follow(lambda: page.get_by_role("button", name="Publish").click())
    assert "https://" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("The policy").input_value() == BODY
    page.get_by_label("Link to the full document (optional)").fill(
        "https://intranet.example.org/carers"
    )
    hr.follow(lambda: page.get_by_role("button", name="Preview").click())
    assert page.get_by_role("heading", name="What we offer").is_visible()
    assert not PolicyVersion.objects.exists()
    hr.follow(lambda: page.get_by_role("button", name="Publish").click())
    assert "Version 1 is published" in page.content()
    assert PolicyVersion.objects.get().number == 1

    carer = open_tab()
    cpage = carer.page
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/carer/")
    links = cpage.locator("[data-policy-links]")
    assert "Your organisation's policies" in links.inner_text()
    carer.follow(lambda: links.get_by_role("link", name="Carers' policy").click())
    assert cpage.get_by_role("heading", name="Carers' policy").is_visible()
    assert SUMMARY in cpage.content()
    assert cpage.get_by_role("heading", name="What we offer").is_visible()
    assert "Version 1 (this page)" in cpage.locator("[data-history]").inner_text()


def test_the_lead_makes_the_signed_commitments_public_and_a_visitor_reads_them(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    commitment = LeadershipCommitment.objects.create(organisation=world.org)
    CommitmentVersion.objects.create(
        commitment=commitment,
        number=1,
        text="We support carers.",
        status=VersionStatus.PUBLISHED,
        signed_by_name="Sam Sponsor",
        signed_by_role="Chief Executive",
        signed_on=timezone.localdate() - timedelta(days=2),
        signed_at=timezone.now(),
        published_at=timezone.now(),
    )
    public_path = f"/partnerships/{world.partnership.slug}/commitments/"
    # Private until the lead says otherwise: not found, as for no partnership at all.
    assert Client().get(public_path).status_code == 404

    lead = open_tab()
    page = lead.page
    sign_in(lead, email=world.lead.email, totp_secret=TOTP_SECRET)
    lead.goto(f"/p/{world.partnership.slug}/commitments/")
    page.get_by_label("Yes").check()
    lead.follow(lambda: page.get_by_role("button", name="Save").click())
    assert "Anyone can now read this page" in page.content()

    visitor = open_tab()
    visitor.goto(public_path)
    row = visitor.page.locator("[data-public-commitments] tbody tr", has_text=world.org.name)
    assert row.is_visible()
    assert "Sam Sponsor" not in visitor.page.content()
