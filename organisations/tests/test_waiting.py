""" "Waiting for you" on the organisation home page: what each person can act on, by its
deadline, one click from the page where it is done, and nothing for anyone who cannot act."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Channel
from carershub.tests.matrix_kit import LEAVE_START
from carershub.tests.personas import World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from leave.deputies import deputy_appoint, deputy_end
from leave.flexible.services import (
    consultation_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
)
from leave.models import CarersLeaveRequest, FlexibleStatus
from leave.services import carers_leave_accept, carers_leave_cancel, carers_leave_request
from organisations.models import StaffImport, StaffRecord
from organisations.services import (
    staff_import_confirm,
    staff_import_discard,
    staff_import_stage,
    staff_record_mark_left,
    staff_record_update,
)
from organisations.tests.factories import StaffRecordFactory, UserFactory
from passports.models import Passport
from passports.services import carer_declare, passport_sign

HOME = reverse("organisations:home", kwargs={"org_slug": "home-org"})


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.text


def _waiting(page: str) -> str:
    """The "Waiting for you" list alone, or "" when the page has none."""
    start = page.find("data-waiting")
    return "" if start < 0 else page[start : page.index("</ul>", start)]


def _leave(world: World, record: StaffRecord | None = None) -> CarersLeaveRequest:
    staff = record or world.carer_record
    assert staff.user is not None
    return carers_leave_request(
        staff=staff,
        days=[(LEAVE_START, "full")],
        note="",
        by=staff.user,
        today=timezone.localdate(),
    )


def test_a_line_manager_sees_a_carers_leave_request_by_its_first_day_until_it_is_decided(world):
    leave = _leave(world)
    page = _home(world.manager)
    waiting = _waiting(page)
    assert page.count("1 waiting for your decision") == 1  # on the carer's leave card
    name = world.carer_record.full_name
    assert f"Agree or postpone {name}&#x27;s carer&#x27;s leave" in waiting
    detail = reverse("leave:carers_leave_detail", args=["home-org", leave.pk])
    assert f'href="{detail}"' in waiting
    assert f"Starts {LEAVE_START:%A} {LEAVE_START.day} {LEAVE_START:%B %Y}" in waiting
    # Listing it is a read of someone's request, so it is audited like the team's list.
    assert AuditEvent.objects.filter(
        actor=world.manager, object_type="leave.carersleaverequest", object_id=str(leave.pk)
    ).exists()
    carers_leave_accept(request=leave, by=world.manager)
    assert "carer&#x27;s leave" not in _waiting(_home(world.manager))


def test_nobody_else_is_shown_the_request(world):
    _leave(world)
    for person in (world.carer, world.hr_admin, world.champion, world.sponsor, world.new_manager):
        assert "carer&#x27;s leave" not in _waiting(_home(person)), person.email


def test_a_flexible_working_request_waits_for_its_manager_by_the_decide_by_date(world):
    request = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=LEAVE_START,
        by=world.carer,
        today=timezone.localdate(),
    )
    page = _home(world.manager)
    waiting = _waiting(page)
    assert page.count("1 waiting for your decision") == 1  # on the flexible working card
    assert "flexible working request" in waiting
    assert f'href="{reverse("flexible:detail", args=["home-org", request.pk])}"' in waiting
    due = request.deadline
    assert f"Decide by {due:%A} {due.day} {due:%B %Y}" in waiting
    assert "flexible working" not in _waiting(_home(world.carer))
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.APPROVED,
        by=world.manager,
        today=timezone.localdate(),
        agreed_change="Later starts",
        refusal_reasons=[],
        refusal_explanation="",
        trial_until=None,
    )
    assert "flexible working" not in _waiting(_home(world.manager))


def test_the_carer_is_told_of_a_decision_until_they_open_it(world):
    leave = _leave(world)
    flexible = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=LEAVE_START,
        by=world.carer,
        today=timezone.localdate(),
    )
    assert "Read the decision" not in _waiting(_home(world.carer))
    carers_leave_accept(request=leave, by=world.manager)
    flexible_request_decide(
        request=flexible,
        outcome=FlexibleStatus.APPROVED,
        by=world.manager,
        today=timezone.localdate(),
    )
    waiting = _waiting(_home(world.carer))
    leave_page = reverse("leave:carers_leave_detail", args=["home-org", leave.pk])
    flexible_page = reverse("flexible:detail", args=["home-org", flexible.pk])
    assert "Read the decision on your carer&#x27;s leave" in waiting
    assert f'href="{leave_page}"' in waiting
    assert f"Starts {LEAVE_START:%A} {LEAVE_START.day} {LEAVE_START:%B %Y}" in waiting
    assert f'href="{flexible_page}"' in waiting
    # Others opening the requests, the manager and HR, do not mark them read for the carer.
    for person in (world.manager, world.hr_admin):
        client = Client()
        client.force_login(person)
        assert client.get(leave_page).status_code == 200
        assert client.get(flexible_page).status_code == 200
        assert "Read the decision" not in _waiting(_home(person))
    assert _waiting(_home(world.carer)).count("Read the decision") == 2
    client = Client()
    client.force_login(world.carer)
    assert client.get(leave_page).status_code == 200
    waiting = _waiting(_home(world.carer))
    assert "carer&#x27;s leave" not in waiting
    assert "Read the decision on your flexible working request" in waiting
    assert client.get(flexible_page).status_code == 200
    assert "data-waiting" not in _home(world.carer)


def test_a_new_decision_after_an_appeal_waits_to_be_read_again(world):
    today = timezone.localdate()
    request = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=LEAVE_START,
        by=world.carer,
        today=today,
    )
    consultation_record(
        request=request, held_on=today, notes="Talked", by=world.manager, today=today
    )
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=today,
        refusal_reasons=["costs"],
        refusal_explanation="The cover would cost too much.",
    )
    assert "Read the decision" in _waiting(_home(world.carer))
    flexible_request_appeal(request=request, reason="Cover is cheap", by=world.carer)
    assert "Read the decision" not in _waiting(_home(world.carer))
    flexible_request_decide(
        request=request, outcome=FlexibleStatus.APPROVED, by=world.hr_admin, today=today
    )
    assert "Read the decision on your flexible working request" in _waiting(_home(world.carer))


def test_cancelling_leaves_nothing_to_read(world):
    leave = _leave(world)
    carers_leave_accept(request=leave, by=world.manager)
    carers_leave_cancel(request=leave, by=world.carer, today=timezone.localdate())
    assert "data-waiting" not in _home(world.carer)


def _signable_passport(world: World) -> Passport:
    carer_declare(staff=world.carer_record, share_with_manager=True, by=world.carer)
    Passport.objects.filter(staff=world.carer_record).update(about_caring="I care for my mum.")
    return Passport.objects.get(staff=world.carer_record)


def test_a_passport_signed_by_one_waits_for_the_other_counted_not_named(world):
    passport = _signable_passport(world)
    passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    waiting = _waiting(_home(world.manager))
    assert "Sign 1 passport shared with you" in waiting
    assert world.carer_record.full_name not in waiting
    assert f'href="{reverse("passports:team", args=["home-org"])}"' in waiting
    assert "Sign your carer" not in _waiting(_home(world.carer))
    passport.refresh_from_db()
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    assert "passport" not in _waiting(_home(world.manager))
    assert "passport" not in _waiting(_home(world.carer))


def test_the_carer_is_asked_to_sign_when_the_manager_signed_first(world):
    passport = _signable_passport(world)
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    waiting = _waiting(_home(world.carer))
    assert "Sign your carer&#x27;s passport" in waiting
    assert f'href="{reverse("passports:mine", args=["home-org"])}"' in waiting


def test_a_review_due_soon_waits_for_both(world):
    passport = _signable_passport(world)
    Passport.objects.filter(pk=passport.pk).update(next_review_on=timezone.localdate())
    assert "Review your carer&#x27;s passport" in _waiting(_home(world.carer))
    manager = _waiting(_home(world.manager))
    assert "Review 1 passport shared with you" in manager
    assert "Today" in manager


def test_the_sponsor_is_asked_to_sign_a_commitment_marked_ready(world):
    commitment = LeadershipCommitment.objects.create(organisation=world.org)
    CommitmentVersion.objects.create(
        commitment=commitment, number=1, text="We support carers.", status=VersionStatus.READY
    )
    waiting = _waiting(_home(world.sponsor))
    assert "Sign the leadership commitment" in waiting
    assert f'href="{reverse("commitments:sign", args=["home-org", 1])}"' in waiting
    for person in (world.hr_admin, world.carer, world.manager):
        assert "leadership commitment" not in _waiting(_home(person))


def test_nothing_waiting_means_no_list(world):
    assert "data-waiting" not in _home(world.carer)


def test_the_list_costs_the_same_queries_whatever_the_team_size(world):
    def queries() -> int:
        client = Client()
        client.force_login(world.manager)
        client.get(HOME)  # the first request of a session loads more
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    def flexible(record: StaffRecord) -> None:
        assert record.user is not None
        flexible_request_submit(
            staff=record,
            change_requested="Later starts",
            start_from=LEAVE_START,
            by=record.user,
            today=timezone.localdate(),
        )

    _leave(world)
    flexible(world.carer_record)
    one = queries()
    for _ in range(8):
        user = UserFactory.create()
        record = StaffRecordFactory.create(
            organisation=world.org, user=user, line_manager=world.manager_record
        )
        _leave(world, record)
        flexible(record)
    home = _home(world.manager)
    page = _waiting(home)
    assert page.count("4 more requests waiting for your decision") == 2  # 9 of each, 5 listed
    assert page.count("Agree or postpone") == 5
    assert page.count("flexible working request") == 5
    # The cards count what the list holds: 5 listed and 4 more, of each kind.
    assert home.count("9 waiting for your decision") == 2
    # Only the carer's leave count behind its "4 more": the flexible-working count behind
    # the other is the one its card already made.
    assert queries() == one + 1


def test_a_deputy_standing_in_today_sees_the_teams_requests(world):
    today = timezone.localdate()
    _leave(world)
    assert "carer&#x27;s leave" not in _waiting(_home(world.new_manager))
    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=today,
        to_date=today + timedelta(days=7),
        by=world.manager,
        today=today,
    )
    assert "carer&#x27;s leave" in _waiting(_home(world.new_manager))


def test_items_go_when_the_reader_loses_the_power_to_act(world):
    """A new line manager takes the request with them; an ended deputyship takes it from the
    deputy; a manager marked as left is shown nothing to do."""
    today = timezone.localdate()
    _leave(world)
    appointment = deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=today,
        to_date=today + timedelta(days=7),
        by=world.manager,
        today=today,
    )
    assert "carer&#x27;s leave" in _waiting(_home(world.new_manager))
    deputy_end(appointment=appointment, by=world.manager, now=timezone.now())
    assert "carer&#x27;s leave" not in _waiting(_home(world.new_manager))

    new_manager = StaffRecord.objects.get(organisation=world.org, staff_number="M002")
    staff_record_update(
        record=world.carer_record,
        data={"line_manager": new_manager},
        by=world.hr_admin,
        channel=Channel.WEB,
    )
    assert "carer&#x27;s leave" not in _waiting(_home(world.manager))
    assert "carer&#x27;s leave" in _waiting(_home(world.new_manager))

    staff_record_mark_left(
        record=new_manager, left_on=today, by=world.hr_admin, channel=Channel.WEB
    )
    client = Client()
    client.force_login(world.new_manager)
    response = client.get(HOME)
    assert "data-waiting" not in response.text


def _staged(world: World):
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nZ9,Zed,Zero\n")
    job, _plan = staff_import_stage(
        organisation=world.org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
    )
    return job


def test_hr_is_asked_to_confirm_the_import_they_checked_and_told_when_it_finished(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = _staged(world)
    waiting = _waiting(_home(world.hr_admin))
    assert "Confirm or discard the staff import from staff.csv" in waiting
    preview = reverse("organisations:import_preview", args=["home-org", job.pk])
    assert f'href="{preview}"' in waiting
    # Another HR person did not check it, and nobody else imports staff.
    for person in (world.org_admin, world.carer, world.manager):
        assert "staff import" not in _waiting(_home(person))
    staff_import_confirm(job=job, by=world.hr_admin)
    waiting = _waiting(_home(world.hr_admin))
    assert "The staff import from staff.csv has finished" in waiting
    status = reverse("organisations:import_status", args=["home-org", job.pk])
    assert f'href="{status}"' in waiting
    StaffImport.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=3))
    assert "staff import" not in _waiting(_home(world.hr_admin))


def test_a_discarded_import_leaves_the_list(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    job = _staged(world)
    staff_import_discard(job=job)
    assert "staff import" not in _waiting(_home(world.hr_admin))


def test_decisions_to_read_cost_the_same_queries_however_many(world):
    def queries() -> int:
        client = Client()
        client.force_login(world.carer)
        client.get(HOME)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    today = timezone.localdate()
    first = carers_leave_request(
        staff=world.carer_record,
        days=[(LEAVE_START, "full")],
        note="",
        by=world.carer,
        today=today,
    )
    carers_leave_accept(request=first, by=world.manager)
    one = queries()
    for offset in (1, 2, 3):
        day = LEAVE_START + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        leave = carers_leave_request(
            staff=world.carer_record, days=[(day, "am")], note="", by=world.carer, today=today
        )
        carers_leave_accept(request=leave, by=world.manager)
    assert _waiting(_home(world.carer)).count("Read the decision") > 1
    assert queries() == one
