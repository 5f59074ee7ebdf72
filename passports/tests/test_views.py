from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import display_name
from audit.models import AuditEvent, Channel
from organisations.models import Membership, Role, StaffRecord, StaffStatus
from organisations.services import staff_record_update
from organisations.tests.factories import StaffRecordFactory, UserFactory
from passports.models import CarerDeclaration, Passport, PassportShare
from passports.tests.helpers import agreed_passport, declared, with_adjustment

ORG = {"org_slug": "home-org"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, passport: Passport | None = None, **extra) -> str:
    kwargs: dict[str, object] = dict(ORG)
    if passport is not None:
        kwargs["pk"] = passport.pk
    return reverse(name, kwargs={**kwargs, **extra})


def test_carer_page_explains_who_counts_and_offers_to_declare(world):
    response = _client(world.carer).get(_url("passports:carer_home"))
    assert response.status_code == 200
    assert "Are you a carer?" in response.text
    assert _url("passports:carer_declare") in response.text


def test_declaring_through_the_page_shares_and_lands_on_the_passport(world):
    client = _client(world.carer)
    response = client.post(
        _url("passports:carer_declare"),
        {
            "relationship": "partner",
            "need_kinds": ["disability", "mental_health"],
            "hours_band": "20_34",
            "share_with_manager": "on",
            "include_in_counts": "on",
        },
    )
    passport = Passport.objects.get(staff=world.carer_record)
    assert response.status_code == 302
    assert response["Location"] == _url("passports:mine")
    declaration = CarerDeclaration.objects.get(staff=world.carer_record)
    assert declaration.need_kinds == ["disability", "mental_health"]
    assert declaration.record_on_staff_record is False
    assert PassportShare.objects.filter(passport=passport, ended_at__isnull=True).exists()


def test_bad_declaration_input_is_reported_and_kept(world):
    response = _client(world.carer).post(
        _url("passports:carer_declare"),
        {"relationship": "cousin-twice-removed", "hours_band": "20_34"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert (
        'value="20_34" checked' in response.text
        or 'value="20_34"\n' in response.text
        or "checked" in response.text
    )
    assert not CarerDeclaration.objects.exists()


def test_unticking_share_on_the_declaration_stops_sharing(world):
    passport = declared(world)
    _client(world.carer).post(_url("passports:carer_declare"), {"include_in_counts": "on"})
    assert not PassportShare.objects.filter(passport=passport, ended_at__isnull=True).exists()


def test_clashing_edit_shows_what_changed_and_keeps_what_was_typed(world):
    passport = declared(world)
    seen = passport.version
    manager = _client(world.manager)
    review_on = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert (
        manager.post(
            _url("passports:review", passport), {"version": seen, "next_review_on": review_on}
        ).status_code
        == 302
    )
    response = _client(world.carer).post(
        _url("passports:edit_about", passport),
        {
            "version": seen,
            "about_caring": "My new words",
            "plan_b_contacts": "",
            "plan_b_at_work": "",
        },
    )
    assert response.status_code == 200
    assert "changed while you were editing" in response.text
    assert "next review date" in response.text
    assert "My new words" in response.text
    assert f'value="{seen + 1}"' in response.text
    assert Passport.objects.get(pk=passport.pk).about_caring == "I help my dad most mornings."


def test_manager_agrees_an_adjustment_and_both_sign_through_the_pages(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    passport.refresh_from_db()
    manager = _client(world.manager)
    response = manager.post(
        _url("passports:adjustment_edit", passport, adjustment_pk=adjustment.pk),
        {"version": passport.version, "details": adjustment.details, "status": "agreed"},
    )
    assert response.status_code == 302
    passport.refresh_from_db()
    carer = _client(world.carer)
    carer.post(_url("passports:sign", passport), {"version": passport.version})
    manager.post(_url("passports:sign", passport), {"version": passport.version})
    page = carer.get(_url("passports:detail", passport))
    assert "agreed version 1" in page.text
    assert carer.get(_url("passports:version", passport, number=1)).status_code == 200


def test_the_carer_cannot_agree_their_own_adjustment_through_the_page(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    passport.refresh_from_db()
    response = _client(world.carer).post(
        _url("passports:adjustment_edit", passport, adjustment_pk=adjustment.pk),
        {"version": passport.version, "details": "", "status": "agreed"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    adjustment.refresh_from_db()
    assert adjustment.status == "requested"


def test_who_has_seen_my_passport_lists_the_managers_reads(world):
    passport = declared(world)
    _client(world.manager).get(_url("passports:detail", passport))
    _client(world.carer).get(_url("passports:detail", passport))
    response = _client(world.carer).get(_url("passports:seen_by"))
    assert display_name(world.manager) in response.text
    assert "Viewed passport" in response.text
    assert display_name(world.carer) not in response.text


def test_export_holds_everything_and_is_audited(world):
    passport = agreed_passport(world)
    response = _client(world.carer).get(_url("passports:carer_export_json"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert data["declaration"]["relationship"] == "parent"
    assert data["passport"]["agreed_versions"][0]["number"] == 1
    assert data["passport"]["draft"]["plan_b_contacts"] == "My sister, 07700 900000"
    assert AuditEvent.objects.filter(object_id=str(passport.pk), action="export").exists()


def test_delete_needs_the_box_ticked_then_removes_everything(world):
    declared(world)
    client = _client(world.carer)
    response = client.post(_url("passports:carer_delete"), {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert Passport.objects.exists()
    response = client.post(_url("passports:carer_delete"), {"confirm": "delete"})
    assert response.status_code == 302
    assert not Passport.objects.exists()
    assert not CarerDeclaration.objects.exists()


def test_hr_changing_the_line_manager_closes_the_share_and_tells_the_carer(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    passport = declared(world)
    new_manager = StaffRecord.objects.get(user=world.new_manager)
    with django_capture_on_commit_callbacks(execute=True):
        staff_record_update(
            record=world.carer_record,
            data={"line_manager": new_manager},
            by=world.hr_admin,
            channel=Channel.WEB,
        )
    share = PassportShare.objects.get(passport=passport)
    assert share.ended_at is not None
    assert [m["To"] for m in smtp_sink] == ["carer@example.org"]
    page = _client(world.carer).get(_url("passports:detail", passport))
    assert "Your line manager has changed" in page.text
    assert "Share with" in page.text


def test_manager_home_shows_overdue_reviews_as_a_count(world, time_machine):
    passport = declared(world)
    from passports.services import passport_set_review

    passport_set_review(
        passport=passport,
        expected_version=None,
        next_review_on=timezone.localdate() + timedelta(days=5),
        by=world.manager,
    )
    time_machine.move_to(timezone.now() + timedelta(days=10))
    response = _client(world.manager).get(_url("organisations:home"))
    assert "1 review overdue" in response.text
    assert world.carer_record.last_name not in response.text


def _team(world, size: int) -> None:
    for index in range(size):
        user = UserFactory.create(email=f"team{size}-{index}@example.org")
        Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
        record = StaffRecordFactory.create(
            organisation=world.org,
            staff_number=f"T{size}-{index}",
            user=user,
            line_manager=world.manager_record,
            status=StaffStatus.ACTIVE,
        )
        from passports.services import carer_declare

        carer_declare(staff=record, share_with_manager=True, by=user)
        passport = Passport.objects.get(staff=record)
        from passports.services import adjustment_add

        adjustment_add(
            passport=passport,
            expected_version=None,
            kind="parking",
            details="",
            review_on=None,
            by=user,
        )


def test_team_view_and_passport_page_queries_do_not_grow_with_the_team(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(world.manager)
    passport = declared(world)
    with_adjustment(passport, world)
    counts = []
    client.get(_url("passports:team"))  # the first request of a session loads more
    for size in (2, 12):
        _team(world, size)
        with CaptureQueriesContext(connection) as team_queries:
            assert client.get(_url("passports:team")).status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(_url("passports:detail", passport)).status_code == 200
        counts.append((len(team_queries), len(page_queries)))
    assert counts[0] == counts[1], counts


def test_hr_sees_the_carer_flag_only_when_the_carer_chose_to_record_it(world):
    from passports.services import carer_declare

    hr = _client(world.hr_admin)
    url = reverse("organisations:staff_detail", kwargs={**ORG, "pk": world.carer_record.pk})
    carer_declare(staff=world.carer_record, by=world.carer)
    assert "Not recorded" in hr.get(url).text
    carer_declare(staff=world.carer_record, record_on_staff_record=True, by=world.carer)
    page = hr.get(url).text
    assert "Yes, recorded at their request" in page
    assert "passport" not in page.lower()


def test_the_conversation_form_starts_on_today_in_a_date_input(world):
    passport = declared(world)
    page = _client(world.manager).get(_url("passports:conversation_new", passport)).text
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_opening_an_edit_page_is_a_recorded_read(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    manager = _client(world.manager)
    for url in (
        _url("passports:adjustment_edit", passport, adjustment_pk=adjustment.pk),
        _url("passports:review", passport),
        _url("passports:conversation_new", passport),
        _url("passports:adjustment_new", passport),
    ):
        manager.get(url)
    reads = AuditEvent.objects.filter(
        object_id=str(passport.pk), actor=world.manager, summary__startswith="Opened passport"
    )
    assert reads.count() == 4
    # The carer's own words are not the manager's to open: no read is recorded for a refusal.
    assert manager.get(_url("passports:edit_about", passport)).status_code == 403
    assert reads.count() == 4


def test_an_import_that_changes_the_line_manager_closes_the_share_and_tells_the_carer(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from organisations.staff_import import apply_import

    passport = declared(world)
    csv = (
        "Staff Number,First Name,Last Name,Line Manager Staff Number\n"
        f"C001,{world.carer_record.first_name},{world.carer_record.last_name},M002\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan = apply_import(organisation=world.org, upload=BytesIO(csv.encode()), by=world.hr_admin)
    assert plan.ok
    assert PassportShare.objects.get(passport=passport).ended_at is not None
    assert [m["To"] for m in smtp_sink] == ["carer@example.org"]


def test_the_conversation_hint_speaks_to_whoever_is_writing_the_note(world):
    passport = declared(world)
    url = _url("passports:conversation_new", passport)
    for_manager = _client(world.manager).get(url).text
    assert "not the diagnosis or health of the person they care for" in for_manager
    assert "person you care for" not in for_manager
    assert "Describe what you do" not in for_manager
    for_carer = _client(world.carer).get(url).text
    assert "not the diagnosis or health of the person you care for" in for_carer
    assert "person they care for" not in for_carer


def test_an_agreed_version_says_who_signed_in_words_for_its_reader(world):
    passport = agreed_passport(world)
    url = _url("passports:version", passport, number=1)
    carer_name = world.carer_record.full_name
    for_carer = _client(world.carer).get(url).text
    assert "Signed by you on" in for_carer
    assert "Signed by the carer" not in for_carer
    for_manager = _client(world.manager).get(url).text
    assert f"Signed by {carer_name} on" in for_manager
    assert "Signed by you" not in for_manager
