"""HR runs a Carer Positive self-assessment with an uploaded policy, sees the level reached and
turns the gaps into an action plan, reports progress on it and downloads it as a PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO

import pytest
from playwright.sync_api import FilePayload
from pypdf import PdfReader

from benchmarks.frameworks import get_framework
from benchmarks.models import Assessment, EvidenceFile
from benchmarks.tests import files
from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from plans.models import OrgPlan, ProgressEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_assesses_against_carer_positive_plans_the_next_level_and_reports_progress(
    world: World, open_tab: Callable[..., Tab], settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    framework = get_framework("carer-positive")
    assert framework is not None
    hr = open_tab()
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/")
    hr.follow(lambda: page.get_by_role("link", name="Benchmarks and self-assessment").first.click())
    hr.follow(lambda: page.get_by_role("button", name="Start a self-assessment").click())
    page.get_by_label("Carer Positive").check()
    hr.follow(lambda: page.get_by_role("button", name="Start the self-assessment").click())
    assert "No level yet" in page.content()
    overview = hr.path()

    # Every Engaged requirement met, criterion by criterion; one Established one partly.
    for criterion in framework.criteria:
        hr.follow(page.get_by_role("link", name=criterion.title).click)
        for requirement in criterion.requirements:
            if requirement.level == "engaged":
                page.get_by_role("group", name=requirement.text).get_by_label(
                    "Met", exact=True
                ).check()
        if criterion.key == "policy":
            page.get_by_role(
                "group", name="Carers helped write or review the policy."
            ).get_by_label("Partly met").check()
            page.get_by_label("Your evidence for this criterion").fill(
                "Our carers policy covers carer's leave, flexible working and emergencies."
            )
        hr.follow(lambda: page.get_by_role("button", name="Save").click())
        assert hr.path() == overview

    # The carers policy, uploaded on the policy criterion's page.
    hr.follow(lambda: page.get_by_role("link", name="Policy", exact=True).click())
    policy: FilePayload = {
        "name": "Carers policy.pdf",
        "mimeType": "application/pdf",
        "buffer": files.pdf(),
    }
    page.get_by_label("Upload a document").set_input_files(files=[policy])
    page.get_by_label("This is our carers policy").check()
    hr.follow(lambda: page.get_by_role("button", name="Upload the file").click())
    assert "“Carers policy.pdf” uploaded." in page.content()
    assert "Yes: “Carers policy.pdf”, uploaded on" in page.content()
    assert EvidenceFile.objects.get().is_carers_policy

    hr.goto(overview)
    assert page.locator("[data-level]").inner_text() == "Engaged"
    policy_row = page.locator("[data-criterion='policy']")
    assert "For Established: 0 of 2 met, 1 partly" in policy_row.inner_text()
    assert "Carers helped write or review the policy." in policy_row.inner_text()
    hr.screenshot("benchmark-assessment")

    # The gaps for Established become an action plan.
    hr.follow(lambda: page.get_by_role("button", name="Turn the gaps into an action plan").click())
    established = sum(1 for _c, r in framework.requirements() if r.level == "established")
    assert f"{established} actions for the level selected" in page.content()
    hr.follow(lambda: page.get_by_role("button", name="Create the action plan").click())
    assert f"Action plan created with {established} actions" in page.content()
    assert "/plans/org/" in hr.path()
    assert "There is a staff carers network or group" in page.content()
    assessment = Assessment.objects.get()
    assert assessment.is_draft
    plan = OrgPlan.objects.get()
    assert plan.actions.count() == established
    assert all(a.criterion_ref.startswith("carer-positive:") for a in plan.actions.all())

    # Progress on the first action, with a RAG status, for this year's period.
    hr.follow(
        lambda: page.get_by_role(
            "link", name=re.compile("^Add progress to action point")
        ).first.click()
    )
    page.get_by_label("What has happened").fill("The network met for the first time in May.")
    page.get_by_label("Green: on track").check()
    page.locator("input[name='period']").first.check()
    hr.follow(lambda: page.get_by_role("button", name="Add progress").click())
    assert hr.path() == f"/o/{world.org.slug}/plans/org/{plan.pk}/"
    entry = ProgressEntry.objects.get()
    assert (entry.rag, entry.by) == ("green", world.hr_admin)
    assert entry.action.plan_id == plan.pk

    # The plan, with its progress, as a PDF.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(content)).pages)
    assert "The network met for the first time in May." in text
    assert "Green" in text


def test_every_benchmark_page_passes_axe_for_hr_and_the_sponsor(
    world: World, open_tab: Callable[..., Tab], settings, tmp_path
) -> None:
    from benchmarks.tests.helpers import signed_off, started, uploaded
    from carershub.tests.browser.test_every_page import crawl

    settings.MEDIA_ROOT = tmp_path
    first = signed_off(world)
    draft = started(world, based_on=first)
    uploaded(world, draft)
    started(world, "efc-action-list")
    hr = open_tab()
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    routes = crawl(hr, f"/o/{world.org.slug}/benchmarks/")
    prefix = "o/<slug:org_slug>/benchmarks/"
    assert {
        prefix,
        prefix + "frameworks/<slug:slug>/",
        prefix + "start/",
        prefix + "<int:pk>/",
        prefix + "<int:pk>/criteria/<slug:key>/",
        prefix + "<int:pk>/sign-off/",
        prefix + "<int:pk>/compare/",
        prefix + "<int:pk>/plan/",
        prefix + "<int:pk>/delete/",
    } <= routes
    # The draft's policy page, where its document can be removed.
    assert prefix + "<int:pk>/files/<int:file_pk>/remove/" in crawl(
        hr, f"/o/{world.org.slug}/benchmarks/{draft.pk}/criteria/policy/"
    )
    sponsor = open_tab()
    sign_in(sponsor, email=world.sponsor.email)
    sponsor.goto(f"/o/{world.org.slug}/")
    sponsor.follow(
        lambda: sponsor.page.get_by_role("link", name="Benchmarks and self-assessment").click()
    )
    assert {prefix + "<int:pk>/", prefix + "<int:pk>/compare/"} <= crawl(
        sponsor, f"/o/{world.org.slug}/benchmarks/{draft.pk}/"
    )
