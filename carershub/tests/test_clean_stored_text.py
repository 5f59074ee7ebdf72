"""The migration that cleans text stored before the text rule (shared/migrations/0003)."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import timezone

from audit.models import Action, AuditEvent, Channel
from audit.services import audit_record
from leave.models import CarersLeaveRequest
from organisations.models import StaffRecord, Unit
from passports.models import AgreedVersion, Passport
from passports.tests.helpers import declared

migration = importlib.import_module("shared.migrations.0003_clean_stored_text")


def _report(report) -> dict[str, tuple[int, int]]:
    return {f"{row.table}.{row.column}": (row.rows, row.clashes) for row in report}


def test_stored_text_is_cleaned_as_the_rule_would_have_and_the_report_counts_rows_only(world):
    passport = declared(world)
    Passport.objects.filter(pk=passport.pk).update(
        about_caring="I help my dad.\r\nMornings\x1b[31m are hard.\x0bVery.",
        plan_b_contacts="Sia\u0302n, 07700 900000",
    )
    AgreedVersion.objects.create(
        passport=passport,
        number=1,
        draft_version=1,
        agreed_at=timezone.now(),
        carer_signed_at=timezone.now(),
        manager_signed_at=timezone.now(),
        manager_name="Mo\x02 Manager",
        content={
            "about_caring": "Line one\r\nline\x01 two",
            "adjustments": [{"details": "x\u202ey"}],
        },
    )
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name="Ann\tMarie", last_name="Lee\x1b"
    )
    unit = Unit.objects.create(organisation=world.org, code="W7", name="Ward\u202e seven")
    untouched = StaffRecord.objects.create(
        organisation=world.org, staff_number="PLAIN1", first_name="Plain", last_name="Text"
    )
    audited = audit_record(
        actor=None,
        action=Action.UPDATE,
        channel=Channel.COMMAND,
        target=unit,
        organisation_id=world.org.pk,
        summary="Renamed Ward\x1b seven",
    )

    report = migration.clean_stored_text(apps)

    passport.refresh_from_db()
    assert passport.about_caring == "I help my dad.\nMornings[31m are hard.\nVery."
    assert passport.plan_b_contacts == "Siân, 07700 900000"
    agreed = AgreedVersion.objects.get(passport=passport)
    assert agreed.manager_name == "Mo Manager"
    assert agreed.content == {
        "about_caring": "Line one\nline two",
        "adjustments": [{"details": "xy"}],
    }
    carer = StaffRecord.objects.get(pk=world.carer_record.pk)
    assert (carer.first_name, carer.last_name) == ("Ann Marie", "Lee")
    assert Unit.objects.get(pk=unit.pk).name == "Ward seven"
    assert StaffRecord.objects.get(pk=untouched.pk).first_name == "Plain"
    # The audit log is append-only and written by the product: left as it is.
    assert AuditEvent.objects.get(pk=audited.pk).summary == "Renamed Ward\x1b seven"
    assert _report(report) == {
        "passports_passport.about_caring": (1, 0),
        "passports_passport.plan_b_contacts": (1, 0),
        "passports_agreedversion.manager_name": (1, 0),
        "passports_agreedversion.content": (1, 0),
        "organisations_staffrecord.first_name": (1, 0),
        "organisations_staffrecord.last_name": (1, 0),
        "organisations_unit.name": (1, 0),
    }
    lines = "\n".join(migration.report_lines(report))
    assert "organisations_staffrecord.first_name: 1 row(s) cleaned" in lines
    assert "Marie" not in lines
    assert "Mornings" not in lines


def test_a_short_text_edited_in_a_text_area_keeps_its_lines(world):
    leave = CarersLeaveRequest.objects.create(
        organisation=world.org,
        staff=world.carer_record,
        notice_given_on=timezone.localdate(),
        note="Back by two.\r\nCall me\x07 if needed.",
    )
    migration.clean_stored_text(apps)
    assert CarersLeaveRequest.objects.get(pk=leave.pk).note == "Back by two.\nCall me if needed."


def test_a_cleaned_value_that_would_repeat_another_rows_is_left_and_counted(world):
    StaffRecord.objects.create(
        organisation=world.org, staff_number="SIÂN1", first_name="Siân", last_name="One"
    )
    decomposed = StaffRecord.objects.create(
        organisation=world.org, staff_number="SIA\u0302N1", first_name="Sia\u0302n", last_name="Two"
    )

    report = _report(migration.clean_stored_text(apps))

    assert report["organisations_staffrecord.staff_number"] == (0, 1)
    kept = StaffRecord.objects.get(pk=decomposed.pk)
    assert kept.staff_number == "SIA\u0302N1"  # a person must decide which is right
    lines = migration.report_lines(migration.clean_stored_text(apps))
    assert any("1 left as they were" in line for line in lines)


def test_nothing_to_clean_is_said_in_one_line(world):
    written: list[str] = []
    migration._forwards(apps, None, write=written.append)
    assert "".join(written).strip() == (
        "Stored text checked against the text rule: nothing needed cleaning."
    )
