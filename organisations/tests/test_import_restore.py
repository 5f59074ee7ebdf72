"""Putting right a file that marked people as left by mistake.

When an import marks people as left, the passport shares their leaving ends are recorded as
ended by that import (``ShareEndReason.LEFT_BY_IMPORT``). A later import that puts them back
in post, with the same line manager, shares each passport again, for
``STAFF_IMPORT_RESTORE_DAYS``, unless the carer has shared it since; the carer is told, and
it is audited (docs/staff-import.md, "Putting right a file that marked people as left by
mistake").
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent, Channel
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.services import staff_record_mark_left
from organisations.staff_import import apply_import
from organisations.tests.factories import UserFactory
from organisations.tests.test_import_leavers import IN_POST, everyone_but, staff_file
from organisations.tests.test_import_leavers import trust as trust  # the fixture
from passports.models import Passport, PassportShare, ShareEndReason
from passports.services import passport_share

WITH_MANAGERS = "Staff Number,First Name,Last Name,Line Manager Staff Number\n"


def _import(org: Organisation, data: bytes, **options: Any) -> None:
    plan = apply_import(organisation=org, upload=io.BytesIO(data), by=None, **options)
    assert plan.ok, plan.errors


def _mistake(org: Organisation) -> None:
    """A one-row file given as complete: everyone else, S01 and S02 too, is marked as left."""
    _import(
        org,
        staff_file("S00"),
        mark_missing_as_left=True,
        left_confirmed=IN_POST - 1,
        left_forced=True,
    )


def _passport(org: Organisation) -> Passport:
    return Passport.objects.get(staff__organisation=org, staff__staff_number="S01")


def _open_share(org: Organisation) -> PassportShare | None:
    return _passport(org).shares.filter(ended_at__isnull=True).first()


def test_a_share_ended_by_an_import_says_so(trust: Organisation) -> None:
    _mistake(trust)
    share = _passport(trust).shares.get()
    assert share.ended_reason == ShareEndReason.LEFT_BY_IMPORT
    event = AuditEvent.objects.get(object_type="passports.passport")
    assert "a staff import marked the carer or their manager as left" in event.summary


def test_a_corrected_import_shares_the_passport_again_and_tells_the_carer(
    trust: Organisation, smtp_sink: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _mistake(trust)
    assert _open_share(trust) is None

    with django_capture_on_commit_callbacks(execute=True):
        _import(trust, everyone_but())
    share = _open_share(trust)
    assert share is not None
    assert share.with_staff.staff_number == "S02"
    assert StaffRecord.objects.get(organisation=trust, staff_number="S01").status == "active"
    # The ended share stays in the carer's history; the new one is audited, as the system.
    assert _passport(trust).shares.count() == 2
    event = AuditEvent.objects.filter(object_type="passports.passport").latest("id")
    assert (event.actor_id, event.channel) == (None, Channel.SYSTEM)
    assert "again" in event.summary
    # The carer is told, with a subject that says nothing private (trust rule 11).
    carer = StaffRecord.objects.get(organisation=trust, staff_number="S01").user
    assert carer is not None
    [message] = [m for m in smtp_sink if m["To"] == carer.email]
    assert message["Subject"] == "A mistake in your staff record has been put right"

    # Importing again changes nothing more.
    _import(trust, everyone_but())
    assert _passport(trust).shares.count() == 2


def test_a_manager_marked_as_left_by_mistake_is_shared_with_again(trust: Organisation) -> None:
    # S02 is left out; S01 is given S05 as manager, as a file must for someone who stays.
    rows = [f"S{n:02},First,S{n:02},{'S05' if n == 1 else ''}\n" for n in range(IN_POST) if n != 2]
    _import(
        trust,
        (WITH_MANAGERS + "".join(rows)).encode(),
        mark_missing_as_left=True,
        left_confirmed=1,
    )
    assert _passport(trust).shares.get().ended_reason == ShareEndReason.LEFT_BY_IMPORT

    rows = [f"S{n:02},First,S{n:02},{'S02' if n == 1 else ''}\n" for n in range(IN_POST)]
    _import(trust, (WITH_MANAGERS + "".join(rows)).encode())
    share = _open_share(trust)
    assert share is not None
    assert share.with_staff.staff_number == "S02"


def test_nothing_is_shared_again_with_someone_who_no_longer_manages_the_carer(
    trust: Organisation,
) -> None:
    _mistake(trust)
    rows = [f"S{n:02},First,S{n:02},{'S05' if n == 1 else ''}\n" for n in range(IN_POST)]
    _import(trust, (WITH_MANAGERS + "".join(rows)).encode())
    assert _open_share(trust) is None
    assert _passport(trust).shares.count() == 1


def test_what_the_carer_chose_since_stands(trust: Organisation) -> None:
    _mistake(trust)
    rows = [f"S{n:02},First,S{n:02},{'S05' if n == 1 else ''}\n" for n in range(IN_POST)]
    _import(trust, (WITH_MANAGERS + "".join(rows)).encode())
    new_manager = StaffRecord.objects.get(organisation=trust, staff_number="S05")
    new_manager.user = UserFactory.create()
    new_manager.save()
    carer = StaffRecord.objects.get(organisation=trust, staff_number="S01")
    assert carer.user is not None
    passport_share(passport=_passport(trust), by=carer.user)

    # S02 manages the carer again: the share with S05 ends, and the old one stays ended.
    rows = [f"S{n:02},First,S{n:02},{'S02' if n == 1 else ''}\n" for n in range(IN_POST)]
    _import(trust, (WITH_MANAGERS + "".join(rows)).encode())
    assert _open_share(trust) is None
    assert _passport(trust).shares.count() == 2


@pytest.mark.parametrize(("days", "restored"), [(30, True), (31, False)])
def test_a_share_is_only_made_again_within_the_restore_window(
    trust: Organisation, days: int, restored: bool
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _mistake(trust)
        traveller.shift(timedelta(days=days))
        _import(trust, everyone_but())
    assert (_open_share(trust) is not None) == restored


def test_a_share_ended_by_marking_someone_as_left_on_a_page_is_not_made_again(
    trust: Organisation,
) -> None:
    manager = StaffRecord.objects.get(organisation=trust, staff_number="S02")
    carer = StaffRecord.objects.get(organisation=trust, staff_number="S01")
    staff_record_mark_left(record=carer, left_on=None, by=None, channel=Channel.WEB)
    assert _passport(trust).shares.get().ended_reason == ShareEndReason.MANAGER_CHANGED
    _import(trust, everyone_but())
    assert StaffRecord.objects.get(pk=carer.pk).status == StaffStatus.ACTIVE
    assert StaffRecord.objects.get(pk=carer.pk).line_manager == manager
    assert _open_share(trust) is None


def test_a_change_of_manager_alone_is_not_recorded_as_leaving(trust: Organisation) -> None:
    rows = [f"S{n:02},First,S{n:02},{'S05' if n == 1 else ''}\n" for n in range(IN_POST)]
    _import(trust, (WITH_MANAGERS + "".join(rows)).encode(), mark_missing_as_left=True)
    assert _passport(trust).shares.get().ended_reason == ShareEndReason.MANAGER_CHANGED
