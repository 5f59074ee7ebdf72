"""Leave reminders are claimed on the request and queued in one transaction
(``shared.reminders``): each stage goes once, however many runs; a failure does not stop
the others; a moved date is reminded afresh; subjects say nothing about the request."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.template import TemplateDoesNotExist

from leave import reminders
from leave.flexible.services import flexible_extension_record, flexible_request_submit
from leave.models import CarersLeaveRequest, FlexibleWorkingRequest
from leave.reminders import carers_leave_decision_reminders, flexible_deadline_reminders
from leave.services import carers_leave_postpone, carers_leave_request
from leave.tasks import daily_leave_reminders
from organisations.tests.factories import StaffRecordFactory
from shared.emails import send_templated
from shared.reminders import Stages

TODAY = date(2026, 11, 23)
DUE = date(2027, 1, 22)  # the deadline of a request made today


def submit(world, staff=None):
    staff = staff or world.carer_record
    return flexible_request_submit(
        staff=staff,
        change_requested="Start at 10am on Tuesdays",
        start_from=TODAY + timedelta(days=42),
        by=staff.user,
        today=TODAY,
    )


def ask(world, first_day):
    return carers_leave_request(
        staff=world.carer_record, days=[(first_day, "full")], note="", by=world.carer, today=TODAY
    )


def _subjects(smtp_sink):
    return [m["Subject"] for m in smtp_sink]


class TestStages:
    """shared.reminders.Stages: which stage is due with so many days to go."""

    @pytest.mark.parametrize(
        ("days_left", "stage"),
        [
            (15, None),
            (14, 14),
            (13, 14),
            (8, 14),
            (7, 7),
            (4, 7),
            (3, 3),
            (1, 1),
            (0, 1),
            (-1, None),
        ],
    )
    def test_flexible_working(self, days_left, stage):
        assert Stages((14, 7, 3, 1), last_days_left=0).due(days_left) == stage

    @pytest.mark.parametrize(("days_left", "stage"), [(4, None), (3, 3), (2, 3), (1, 1), (0, None)])
    def test_carers_leave_never_on_the_first_day(self, days_left, stage):
        assert Stages((3, 1), last_days_left=1).due(days_left) == stage


def test_two_runs_on_the_same_day_send_each_reminder_once(world, smtp_sink):
    submit(world)
    ask(world, date(2026, 12, 7))
    for _run in range(2):
        flexible_deadline_reminders(today=DUE - timedelta(days=14))
        carers_leave_decision_reminders(today=date(2026, 12, 4))
    assert len(smtp_sink) == 2
    item = FlexibleWorkingRequest.objects.get()
    assert (item.reminder_sent_for, item.reminder_stage) == (DUE, 14)
    leave = CarersLeaveRequest.objects.get()
    assert (leave.reminder_sent_for, leave.reminder_stage) == (date(2026, 12, 7), 3)


def test_every_stage_goes_once_and_a_missed_day_is_caught_up(world, smtp_sink):
    submit(world)
    sent = [
        flexible_deadline_reminders(today=DUE - timedelta(days=d))
        for d in range(20, -3, -1)
        if d not in (14, 3)  # the scheduler did not run on those days
    ]
    assert sum(sent) == 4
    assert _subjects(smtp_sink) == [
        "A decision is due in 13 days",  # the 14-day stage, a day late
        "A decision is due in 7 days",
        "A decision is due in 2 days",  # the 3-day stage, a day late
        "A decision is due tomorrow",
    ]


def test_a_failure_does_not_stop_the_others_and_is_tried_again(world, smtp_sink, monkeypatch):
    first = submit(world)
    second = submit(
        world,
        StaffRecordFactory.create(
            organisation=world.org, user=world.champion, line_manager=world.manager_record
        ),
    )
    real = send_templated

    def breaks_for_the_first(**kwargs):
        if kwargs["context"]["request"].pk == first.pk:
            raise TemplateDoesNotExist("emails/flexible_deadline-subject.txt")
        real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated", breaks_for_the_first)
    assert flexible_deadline_reminders(today=DUE - timedelta(days=14)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reminder_sent_for is None  # rolled back with the failed email
    assert second.reminder_stage == 14
    monkeypatch.setattr(reminders, "send_templated", real)
    assert flexible_deadline_reminders(today=DUE - timedelta(days=13)) == 1
    first.refresh_from_db()
    assert first.reminder_stage == 14


def test_an_extension_re_arms_the_reminders(world, smtp_sink):
    item = submit(world)
    assert flexible_deadline_reminders(today=DUE - timedelta(days=7)) == 1
    later = DUE + timedelta(days=10)
    flexible_extension_record(
        request=item, extended_to=later, by=world.manager, today=DUE - timedelta(days=7)
    )
    assert flexible_deadline_reminders(today=DUE - timedelta(days=6)) == 0  # 16 days to go now
    assert flexible_deadline_reminders(today=later - timedelta(days=14)) == 1
    assert flexible_deadline_reminders(today=later - timedelta(days=14)) == 0


def test_a_postponed_request_has_been_decided_and_is_not_reminded_again(world, smtp_sink):
    leave = ask(world, date(2026, 12, 7))
    assert carers_leave_decision_reminders(today=date(2026, 12, 4)) == 1
    with time_machine.travel(date(2026, 12, 4)):
        postponed = carers_leave_postpone(
            request=leave,
            by=world.manager,
            new_first_day=date(2026, 12, 14),
            reason="Ward inspection",
            today=date(2026, 12, 4),
        )
    # Postponed leave has been decided: nothing more is waiting, so nothing more is sent.
    assert carers_leave_decision_reminders(today=date(2026, 12, 11)) == 0
    assert postponed.reminder_stage == 3


def test_a_first_day_moved_while_waiting_is_reminded_for_the_new_day(world, smtp_sink):
    leave = ask(world, date(2026, 12, 7))
    assert carers_leave_decision_reminders(today=date(2026, 12, 4)) == 1
    leave.days.update(day=date(2026, 12, 14))  # as an edit of the days would
    assert carers_leave_decision_reminders(today=date(2026, 12, 6)) == 0  # 8 days to go
    assert carers_leave_decision_reminders(today=date(2026, 12, 11)) == 1


def test_carers_leave_is_never_reminded_on_its_first_day(world, smtp_sink):
    ask(world, date(2026, 12, 7))
    assert carers_leave_decision_reminders(today=date(2026, 12, 7)) == 0


def test_subjects_say_nothing_about_the_request(world, smtp_sink):
    submit(world)
    ask(world, date(2026, 12, 7))
    flexible_deadline_reminders(today=DUE - timedelta(days=1))
    carers_leave_decision_reminders(today=date(2026, 12, 6))
    subjects = " ".join(_subjects(smtp_sink)).lower()
    assert subjects
    for word in ("carer", "leave", "flexible", world.carer_record.last_name.lower()):
        assert word not in subjects


def test_the_daily_task_runs_both(world, smtp_sink):
    submit(world)
    with time_machine.travel(DUE - timedelta(days=14)):
        assert daily_leave_reminders.call() == {"flexible": 1, "carers_leave": 0}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_once(world, smtp_sink, monkeypatch):
    """The second run waits on the request's row lock, then finds the stage claimed."""
    submit(world)
    smtp_sink.clear()  # the email saying the request was made
    real = send_templated
    claimed, release = threading.Event(), threading.Event()

    def slow(**kwargs):
        claimed.set()
        release.wait(timeout=10)
        real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated", slow)
    results: list[int] = []

    def run() -> None:
        try:
            results.append(flexible_deadline_reminders(today=DUE - timedelta(days=14)))
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    assert claimed.wait(timeout=10)
    second = threading.Thread(target=run)
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first run's lock
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert sorted(results) == [0, 1]
    assert _subjects(smtp_sink) == ["A decision is due in 14 days"]
