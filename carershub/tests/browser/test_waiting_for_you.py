"""Each role starts on the home page and reaches every waiting item in one click; the page
with items on it passes axe-core and reflows at 320 px (the every-page crawl sees it empty)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.matrix_kit import LEAVE_START
from carershub.tests.personas import TOTP_SECRET, World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from leave.flexible.services import flexible_request_submit
from leave.services import carers_leave_accept, carers_leave_request
from organisations.services import staff_import_stage
from passports.models import Passport
from passports.services import carer_declare, passport_sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reach_each_item(tab: Tab, home: str) -> list[str]:
    """Open every link of the "Waiting for you" list from the home page; their paths."""
    tab.goto(home)
    links = tab.page.locator("[data-waiting] a")
    count = links.count()
    assert count, "nothing waiting"
    reached = []
    for index in range(count):
        if index:
            tab.goto(home)
        link = links.nth(index)
        href = link.get_attribute("href")
        tab.follow(link.click)
        assert tab.path() == href
        reached.append(tab.path())
    return reached


def test_a_manager_reaches_each_waiting_request_and_passport_in_one_click(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    today = timezone.localdate()
    leave = carers_leave_request(
        staff=world.carer_record, days=[(LEAVE_START, "full")], note="", by=world.carer, today=today
    )
    flexible = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=LEAVE_START,
        by=world.carer,
        today=today,
    )
    carer_declare(staff=world.carer_record, share_with_manager=True, by=world.carer)
    Passport.objects.filter(staff=world.carer_record).update(about_caring="I care for my mum.")
    passport = Passport.objects.get(staff=world.carer_record)
    passport_sign(passport=passport, expected_version=passport.version, by=world.carer)

    manager = open_tab()
    sign_in(manager, email=world.manager.email)
    home = f"/o/{world.org.slug}/"
    manager.goto(home)
    assert manager.page.get_by_role("heading", name="Waiting for you").is_visible()
    manager.screenshot("manager-home")
    reached = _reach_each_item(manager, home)
    slug = world.org.slug
    assert reached == [
        f"/o/{slug}/leave/carers/{leave.pk}/",  # starts in 30 days
        f"/o/{slug}/flexible/{flexible.pk}/",  # decided within two months
        f"/o/{slug}/team/passports/",  # no deadline, so last
    ]
    manager.assert_every_page_scanned()


def test_the_sponsor_and_hr_reach_theirs(
    world: World, open_tab: Callable[..., Tab], settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    commitment = LeadershipCommitment.objects.create(organisation=world.org)
    CommitmentVersion.objects.create(
        commitment=commitment, number=1, text="We support carers.", status=VersionStatus.READY
    )
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nZ9,Zed,Zero\n")
    job, _plan = staff_import_stage(
        organisation=world.org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
    )
    home = f"/o/{world.org.slug}/"

    sponsor = open_tab()
    sign_in(sponsor, email=world.sponsor.email)
    assert _reach_each_item(sponsor, home) == [f"/o/{world.org.slug}/commitment/versions/1/sign/"]

    hr = open_tab()
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    assert _reach_each_item(hr, home) == [f"/o/{world.org.slug}/staff/import/{job.pk}/"]


def test_the_carer_reaches_a_decision_and_it_leaves_the_list_once_read(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    today = timezone.localdate()
    leave = carers_leave_request(
        staff=world.carer_record, days=[(LEAVE_START, "full")], note="", by=world.carer, today=today
    )
    carers_leave_accept(request=leave, by=world.manager)
    carer_declare(staff=world.carer_record, share_with_manager=True, by=world.carer)
    Passport.objects.filter(staff=world.carer_record).update(about_caring="I care for my mum.")
    passport = Passport.objects.get(staff=world.carer_record)
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)

    carer = open_tab()
    sign_in(carer, email=world.carer.email)
    home = f"/o/{world.org.slug}/"
    slug = world.org.slug

    def listed() -> list[str | None]:
        carer.goto(home)
        links = carer.page.locator("[data-waiting] a")
        return [links.nth(i).get_attribute("href") for i in range(links.count())]

    decision, passport_page = f"/o/{slug}/leave/carers/{leave.pk}/", f"/o/{slug}/passport/"
    assert listed() == [decision, passport_page]  # dated by its first day; no deadline last
    carer.follow(carer.page.locator("[data-waiting] a").first.click)
    assert carer.path() == decision
    # Opened, the decision has been read and leaves the list; the passport is still to sign.
    assert listed() == [passport_page]
    carer.follow(carer.page.locator("[data-waiting] a").first.click)
    assert carer.path() == f"/o/{slug}/passports/{passport.pk}/"  # /passport/ leads to it
