"""Marking the staff missing from an import as left: counted, confirmed, limited.

A one-row file with "mark the missing as left" would end the employment, passport shares
and deputyships of everyone else. The import now says how many it would mark and what that
ends (counts only), needs that number confirmed, and refuses more than a share of those in
post unless forced (docs/staff-import.md, "Marking staff as left"). Nothing half-saves.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEvent
from leave.models import Deputy
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.staff_import import apply_import, leavers_limit, plan_import
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UserFactory
from organisations.tests.test_staff_import_engines import assert_same_outcome, postgres_only
from passports.models import Passport, PassportShare

HEADER = "Staff Number,First Name,Last Name\n"
IN_POST = 30


def staff_file(*numbers: str) -> bytes:
    return (HEADER + "".join(f"{n},First,{n}\n" for n in numbers)).encode()


def everyone_but(*missing: str) -> bytes:
    return staff_file(*[f"S{n:02}" for n in range(IN_POST) if f"S{n:02}" not in missing])


@pytest.fixture
def trust(db: Any) -> Organisation:
    """Thirty people in post; S01 shares a passport with S02, who has S03 as deputy."""
    org = OrganisationFactory.create(slug="trust")
    records = {
        f"S{n:02}": StaffRecordFactory.create(
            organisation=org, staff_number=f"S{n:02}", first_name="First", last_name=f"S{n:02}"
        )
        for n in range(IN_POST)
    }
    manager, carer, deputy = records["S02"], records["S01"], records["S03"]
    manager.user = UserFactory.create()
    manager.save()
    carer.user, carer.line_manager = UserFactory.create(), manager
    carer.save()
    PassportShare.objects.create(passport=Passport.objects.create(staff=carer), with_staff=manager)
    today = timezone.localdate()
    Deputy.objects.create(
        manager=manager, deputy=deputy, from_date=today, to_date=today + timedelta(days=7)
    )
    # Neither a left person nor an ended deputyship counts.
    StaffRecordFactory.create(organisation=org, staff_number="GONE", status=StaffStatus.LEFT)
    Deputy.objects.create(
        manager=manager,
        deputy=deputy,
        from_date=today - timedelta(days=9),
        to_date=today - timedelta(days=1),
    )
    return org


def _statuses(org: Organisation) -> dict[str, str]:
    return dict(StaffRecord.objects.filter(organisation=org).values_list("staff_number", "status"))


def test_a_one_row_file_says_how_many_it_would_mark_as_left_and_what_that_ends(
    trust: Organisation,
) -> None:
    plan = plan_import(
        organisation=trust, upload=io.BytesIO(staff_file("S00")), mark_missing_as_left=True
    )
    assert plan.ok, plan.errors
    assert plan.counts() == {
        "rows": 1,
        "add": 0,
        "update": 0,
        "unchanged": 1,
        "mark_left": 29,
        "errors": 0,
        "in_post": 30,
        "left_limit": 10,
        "shares_ending": 1,
        "deputyships_ending": 1,
    }
    assert plan.left_above_limit


def test_above_the_limit_nothing_is_written_unless_forced(trust: Organisation) -> None:
    before, events = _statuses(trust), AuditEvent.objects.count()
    data = staff_file("S00", "N01")
    plan = apply_import(
        organisation=trust,
        upload=io.BytesIO(data),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=29,
    )
    assert [(e.line, e.column) for e in plan.errors] == [(0, "")]
    assert "would mark 29 of the 30 people in post as left" in plan.errors[0].message
    assert "more than the limit of 10 people" in plan.errors[0].message
    assert plan.left_above_limit
    # All or nothing: not the leavers, not the new starter, not an audit entry.
    assert _statuses(trust) == before
    assert AuditEvent.objects.count() == events

    plan = apply_import(
        organisation=trust,
        upload=io.BytesIO(data),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=29,
        left_forced=True,
    )
    assert plan.ok, plan.errors
    assert plan.counts()["mark_left"] == 29
    assert list(_statuses(trust).values()).count(StaffStatus.LEFT) == 30  # with GONE
    summary = AuditEvent.objects.get(object_type="organisations.organisation")
    assert summary.changes["left_forced"] is True
    assert summary.changes["counts"]["in_post"] == 30


def test_the_number_marked_as_left_must_be_the_number_confirmed(trust: Organisation) -> None:
    before = _statuses(trust)
    data = everyone_but("S27", "S28", "S29")
    for confirmed, message in ((None, "that number was not confirmed"), (2, "not the 2")):
        plan = apply_import(
            organisation=trust,
            upload=io.BytesIO(data),
            by=None,
            mark_missing_as_left=True,
            left_confirmed=confirmed,
        )
        assert not plan.ok
        assert "would" in plan.errors[0].message
        assert message in plan.errors[0].message
        assert _statuses(trust) == before

    plan = apply_import(
        organisation=trust,
        upload=io.BytesIO(data),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=3,
    )
    assert plan.ok, plan.errors
    assert sorted(n for n, s in _statuses(trust).items() if s == StaffStatus.LEFT) == [
        "GONE",
        "S27",
        "S28",
        "S29",
    ]


def test_up_to_the_limit_needs_no_force_and_one_more_does(trust: Organisation) -> None:
    eleven = [f"S{n}" for n in range(19, 30)]
    plan = apply_import(
        organisation=trust,
        upload=io.BytesIO(everyone_but(*eleven)),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=11,
    )
    assert not plan.ok
    assert "more than the limit of 10 people" in plan.errors[0].message

    plan = apply_import(
        organisation=trust,
        upload=io.BytesIO(everyone_but(*eleven[1:])),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=10,
    )
    assert plan.ok, plan.errors
    assert plan.counts()["mark_left"] == 10


def test_nobody_to_mark_as_left_needs_no_confirmation(trust: Organisation) -> None:
    plan = apply_import(
        organisation=trust, upload=io.BytesIO(everyone_but()), by=None, mark_missing_as_left=True
    )
    assert plan.ok, plan.errors
    assert plan.counts()["mark_left"] == 0


def test_the_limit_is_a_share_of_those_in_post_and_never_below_the_minimum(settings: Any) -> None:
    assert settings.STAFF_IMPORT_LEAVERS_LIMIT_PERCENT == 10
    assert settings.STAFF_IMPORT_LEAVERS_LIMIT_MIN == 10
    assert leavers_limit(615) == 61
    assert leavers_limit(30) == 10
    assert leavers_limit(0) == 10
    settings.STAFF_IMPORT_LEAVERS_LIMIT_PERCENT = 25
    settings.STAFF_IMPORT_LEAVERS_LIMIT_MIN = 0
    assert leavers_limit(30) == 7
    assert leavers_limit(3) == 0


@postgres_only
def test_both_engines_count_what_leaving_would_end_alike(trust: Organisation) -> None:
    outcome = assert_same_outcome(
        trust, everyone_but("S01", "S02", "S29"), mark_missing_as_left=True, left_confirmed=3
    )
    assert outcome["errors"] == []
    assert outcome["counts"]["mark_left"] == 3


# --- The command -------------------------------------------------------------------------


@pytest.fixture
def three_missing(trust: Organisation, tmp_path: Path) -> str:
    path = tmp_path / "staff.csv"
    path.write_bytes(everyone_but("S27", "S28", "S29"))
    return str(path)


@pytest.fixture
def one_row(trust: Organisation, tmp_path: Path) -> str:
    path = tmp_path / "one.csv"
    path.write_bytes(staff_file("S00"))
    return str(path)


@pytest.fixture
def terminal(monkeypatch: Any) -> list[str]:
    """A person at a terminal; returns the questions they were asked."""
    asked: list[str] = []
    answers = iter(["3"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)

    def answer(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    return asked


@pytest.fixture
def no_terminal(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    def never(question: str) -> str:
        raise AssertionError(f"asked {question!r}")

    monkeypatch.setattr("builtins.input", never)


def test_the_command_asks_for_the_number_before_marking_anyone_as_left(
    trust: Organisation, three_missing: str, terminal: list[str], capsys: Any
) -> None:
    call_command("import_staff", "trust", three_missing, "--mark-missing-as-left")
    assert terminal == ["Type 3 to mark them as left, or anything else to stop: "]
    out = capsys.readouterr().out
    assert "This file marks 3 of the 30 people in post as left." in out
    assert "Imported: 0 added, 0 updated, 27 unchanged, 3 marked as left" in out
    assert _statuses(trust)["S29"] == StaffStatus.LEFT


def test_the_command_writes_nothing_on_another_answer(
    trust: Organisation, three_missing: str, terminal: list[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    with pytest.raises(CommandError, match="Not confirmed, so nothing was imported"):
        call_command("import_staff", "trust", three_missing, "--mark-missing-as-left")
    assert _statuses(trust)["S29"] == StaffStatus.ACTIVE


def test_without_a_terminal_the_command_needs_the_number_given(
    trust: Organisation, three_missing: str, no_terminal: None
) -> None:
    with pytest.raises(CommandError, match="--confirm-left=3"):
        call_command("import_staff", "trust", three_missing, "--mark-missing-as-left")
    assert _statuses(trust)["S29"] == StaffStatus.ACTIVE

    call_command(
        "import_staff", "trust", three_missing, "--mark-missing-as-left", "--confirm-left=3"
    )
    assert _statuses(trust)["S29"] == StaffStatus.LEFT


def test_the_command_writes_nothing_when_the_number_given_is_wrong(
    trust: Organisation, three_missing: str, no_terminal: None, capsys: Any
) -> None:
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_staff", "trust", three_missing, "--mark-missing-as-left", "--confirm-left=2"
        )
    assert "would now mark 3 people as left, not the 2" in capsys.readouterr().err
    assert _statuses(trust)["S29"] == StaffStatus.ACTIVE


def test_the_command_needs_force_above_the_limit(
    trust: Organisation, one_row: str, no_terminal: None, capsys: Any
) -> None:
    with pytest.raises(CommandError):
        call_command(
            "import_staff", "trust", one_row, "--mark-missing-as-left", "--confirm-left=29"
        )
    assert "run the command again with --force" in capsys.readouterr().err
    assert _statuses(trust)["S29"] == StaffStatus.ACTIVE

    call_command(
        "import_staff", "trust", one_row, "--mark-missing-as-left", "--confirm-left=29", "--force"
    )
    assert list(_statuses(trust).values()).count(StaffStatus.LEFT) == 30


def test_the_command_stops_before_asking_when_above_the_limit(
    trust: Organisation, one_row: str, terminal: list[str], capsys: Any
) -> None:
    with pytest.raises(CommandError, match=r"more than the limit of 10.*--force"):
        call_command("import_staff", "trust", one_row, "--mark-missing-as-left")
    assert terminal == []
    out = capsys.readouterr().out
    assert "This file marks 29 of the 30 people in post as left." in out
    assert "fewer than 5 passport shares and 1 deputyship" in out


def test_a_dry_run_says_what_leaving_would_end_and_writes_nothing(
    trust: Organisation, one_row: str, no_terminal: None, capsys: Any
) -> None:
    call_command("import_staff", "trust", one_row, "--mark-missing-as-left", "--dry-run")
    out = capsys.readouterr().out
    assert "Would import: 0 added, 0 updated, 1 unchanged, 29 marked as left" in out
    assert "That ends fewer than 5 passport shares and 1 deputyship." in out
    assert "the import would need --force" in out
    assert _statuses(trust)["S29"] == StaffStatus.ACTIVE


def test_confirm_left_and_force_only_go_with_marking_the_missing_as_left(
    trust: Organisation, three_missing: str
) -> None:
    with pytest.raises(CommandError, match="only go with --mark-missing-as-left"):
        call_command("import_staff", "trust", three_missing, "--confirm-left=3")
