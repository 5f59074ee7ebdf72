"""Reminders before plan dates: sent once each, over real SMTP (issue 5)."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from organisations.models import Membership
from plans.models import ActionPoint
from plans.reminders import action_due_reminders, personal_plan_reminders
from plans.services import ActionInput, action_update
from plans.tasks import daily_plan_reminders
from plans.tests.helpers import personal_plan, strategy_plan

DUE = date(2026, 9, 30)  # the helper's action
ROW_DUE = date(2026, 6, 9)  # the helper's first personal row
FIRST_STEP = date(2026, 6, 2)


def _recipients(messages) -> list[str]:
    return [m["To"] for m in messages]


def test_the_owner_is_reminded_once_a_week_before_the_due_date(world, smtp_sink, settings):
    settings.PLAN_ACTION_REMINDER_DAYS = 7
    strategy_plan(world)
    assert action_due_reminders(today=DUE - timedelta(days=8)) == 0
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 1
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 0  # same day, second run
    assert action_due_reminders(today=DUE - timedelta(days=3)) == 0  # already told
    assert _recipients(smtp_sink) == [world.manager.email]
    message = smtp_sink[0]
    assert message["Subject"] == "Action point 2.1.1 is due soon"
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Raise the profile of carers' needs" in text
    assert "30 September 2026, in 7 days" in text


def test_a_new_due_date_brings_a_new_reminder(world, smtp_sink):
    _plan, action = strategy_plan(world)
    action_due_reminders(today=DUE - timedelta(days=7))
    later = DUE + timedelta(days=30)
    action_update(
        action=action,
        expected_version=None,
        data=ActionInput(
            planned_action=action.planned_action,
            number=action.number,
            owner=world.manager,
            due_on=later,
        ),
        by=world.hr_admin,
    )
    assert action_due_reminders(today=later - timedelta(days=7)) == 1
    assert len(smtp_sink) == 2


def test_done_actions_and_owners_who_left_are_not_reminded(world, smtp_sink):
    _plan, action = strategy_plan(world)
    ActionPoint.objects.filter(pk=action.pk).update(status="done")
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 0
    ActionPoint.objects.filter(pk=action.pk).update(status="open")
    Membership.objects.filter(user=world.manager, organisation=world.org).delete()
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 0
    assert smtp_sink == []


def test_a_date_set_inside_the_window_is_reminded_at_once(world, smtp_sink, settings):
    settings.PLAN_ACTION_REMINDER_DAYS = 7
    strategy_plan(world)
    assert action_due_reminders(today=DUE - timedelta(days=2)) == 1
    assert action_due_reminders(today=DUE + timedelta(days=1)) == 0  # past: too late to help


def test_personal_plan_owners_are_reminded_of_their_rows_and_first_step(world, smtp_sink):
    plan = personal_plan(world)
    assert personal_plan_reminders(today=FIRST_STEP - timedelta(days=7)) == 1  # the first step
    assert personal_plan_reminders(today=ROW_DUE - timedelta(days=7)) == 1  # the row
    assert personal_plan_reminders(today=ROW_DUE - timedelta(days=6)) == 0
    assert _recipients(smtp_sink) == [world.manager.email, world.manager.email]
    assert smtp_sink[0]["Subject"] == "Your first step is coming up"
    assert smtp_sink[1]["Subject"] == "A date in your action plan is coming up"
    body = smtp_sink[1].get_payload()[0].get_payload(decode=True).decode()
    assert "Find out how staff can tell us they are carers." in body
    assert f"/plans/personal/{plan.pk}/" in body


def test_the_daily_task_runs_both(world, smtp_sink):
    strategy_plan(world)
    personal_plan(world)
    with time_machine.travel(date(2026, 9, 23), tick=False):
        result = daily_plan_reminders.call()
    assert result == {"actions": 1, "personal": 0}
    assert len(smtp_sink) == 1
