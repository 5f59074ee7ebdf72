"""The leadership commitment from template to partnership page, in Chromium with axe-core:
HR adopts our template and makes it their own, sends it for signature; the
executive sponsor signs; HR publishes; staff see it on the organisation home page and the
partnership lead on the partnership's page of signed commitments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import resolve
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.browser.test_every_page import _links
from carershub.tests.personas import TOTP_SECRET, World
from commitments.models import CommitmentVersion, VersionStatus
from commitments.services import commitment_start_draft, version_withdraw
from commitments.tests.helpers import next_published, published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUR_LINE = "Every ward will name a contact for working carers."


def test_commitment_adopted_signed_published_and_shown_across_the_partnership(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    org = world.org.slug
    hr = open_tab()
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    assert "Not published yet." in page.content()
    hr.follow(lambda: page.get_by_role("link", name="Our leadership commitment").click())
    hr.follow(lambda: page.get_by_role("link", name="Start from our template").click())
    assert "Home Trust" in page.content()
    hr.follow(lambda: page.get_by_role("button", name="Use this template").click())
    assert hr.path() == f"/o/{org}/commitment/versions/1/edit/"

    # An empty text is refused with the error summary; nothing is saved.
    text_box = page.get_by_label("Text of the commitment")
    original = text_box.input_value()
    text_box.fill("")
    hr.follow(lambda: page.get_by_role("button", name="Save the draft").click())
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Text of the commitment").fill(original + "\n" + OUR_LINE + "\n")
    hr.follow(lambda: page.get_by_role("button", name="Save the draft").click())
    assert OUR_LINE in page.content()
    hr.screenshot("commitment-draft")
    hr.follow(
        lambda: page.get_by_role("button", name="Send to the executive sponsor to sign").click()
    )
    assert CommitmentVersion.objects.get().status == VersionStatus.READY

    sponsor = open_tab()
    spage = sponsor.page
    sign_in(sponsor, email=world.sponsor.email)
    sponsor.follow(lambda: spage.get_by_role("link", name="Our leadership commitment").click())
    sponsor.follow(lambda: spage.get_by_role("link", name="Read and sign it").click())
    assert OUR_LINE in spage.content()
    spage.get_by_label("Your full name").fill("Sam Sponsor")
    spage.get_by_label("Your job title").fill("Chief Executive")
    # Forgetting to confirm authority: the error summary says so and the typed role stays.
    sponsor.follow(lambda: spage.get_by_role("button", name="Sign the commitment").click())
    assert (
        "Confirm that you have the authority" in spage.locator(".govuk-error-summary").inner_text()
    )
    assert spage.get_by_label("Your job title").input_value() == "Chief Executive"
    spage.get_by_label("I confirm that I have the authority").check()
    sponsor.screenshot("commitment-sign")
    sponsor.follow(lambda: spage.get_by_role("button", name="Sign the commitment").click())
    version = CommitmentVersion.objects.get()
    assert version.status == VersionStatus.SIGNED
    assert version.signed_on == timezone.localdate()

    hr.goto(f"/o/{org}/commitment/")
    hr.follow(lambda: page.get_by_role("link", name="Review and publish it").click())
    hr.follow(lambda: page.get_by_role("button", name="Publish this version").click())
    assert "Sam Sponsor" in page.content()
    hr.screenshot("commitment-published")
    hr.follow(lambda: page.get_by_role("link", name="Every version and who signed it").click())
    hr.follow(lambda: page.get_by_role("link", name="Version 1").click())
    hr.follow(lambda: page.get_by_role("link", name="Withdraw this commitment").click())
    # Withdrawing needs a reason; without one nothing changes.
    hr.follow(lambda: page.get_by_role("button", name="Withdraw this version").click())
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert CommitmentVersion.objects.get().status == VersionStatus.PUBLISHED

    carer = open_tab()
    cpage = carer.page
    sign_in(carer, email=world.carer.email)
    assert "signed by Sam Sponsor, Chief Executive" in cpage.content()
    carer.follow(lambda: cpage.get_by_role("link", name="Our leadership commitment").click())
    assert OUR_LINE in cpage.content()
    carer.follow(lambda: cpage.get_by_role("link", name="Printable version").click())
    assert "Sam Sponsor" in cpage.content()

    lead = open_tab()
    lpage = lead.page
    sign_in(lead, email=world.lead.email, totp_secret=TOTP_SECRET)
    lead.goto(f"/p/{world.partnership.slug}/")
    lead.follow(
        lambda: lpage.get_by_role(
            "link", name="Signed leadership commitments of member organisations"
        ).click()
    )
    row = lpage.locator("[data-commitments] tbody tr", has_text="Home Trust")
    assert "Sam Sponsor, Chief Executive" in row.inner_text()
    lead.screenshot("partnership-commitments")
    lead.follow(lambda: row.get_by_role("link").click())
    assert OUR_LINE in lpage.content()


def _crawl_commitment_pages(tab: Tab, start: str, prefixes: tuple[str, ...]) -> set[str]:
    """Like ``test_every_page.crawl``, kept to the commitment's own pages."""
    queue, routes = [start], set()
    while queue:
        path = queue.pop(0)
        route = resolve(path).route
        if route in routes or not path.startswith(prefixes):
            continue
        routes.add(route)
        response = tab.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        queue.extend(_links(tab))
    return routes


def test_every_commitment_page_in_every_state_passes_axe(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    first = published(world)
    next_published(world)  # version 1 is now replaced by version 2
    draft = commitment_start_draft(commitment=first.commitment, by=world.hr_admin)
    second = first.commitment.versions.get(number=2)
    version_withdraw(version=second, reason="Rewriting", by=world.hr_admin)
    assert draft.number == 3
    prefixes = (f"/o/{world.org.slug}/commitment/", f"/p/{world.partnership.slug}/")
    tab = open_tab()
    sign_in(tab, email=world.org_admin.email, totp_secret=TOTP_SECRET)
    routes = _crawl_commitment_pages(tab, prefixes[0], prefixes)
    assert {
        "o/<slug:org_slug>/commitment/versions/",
        "o/<slug:org_slug>/commitment/versions/<int:number>/",
        "o/<slug:org_slug>/commitment/versions/<int:number>/edit/",
        "o/<slug:org_slug>/commitment/versions/<int:number>/print/",
        "p/<slug:slug>/commitments/",
    } <= routes
    for number in (1, 2, 3):  # superseded, withdrawn, draft
        tab.goto(f"/o/{world.org.slug}/commitment/versions/{number}/")
