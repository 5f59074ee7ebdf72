"""Reminders before plan dates: sent once each, over real SMTP."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.template import TemplateDoesNotExist

from organisations.models import Membership
from plans import reminders
from plans.models import ActionPoint, PersonalPlan
from plans.reminders import action_due_reminders, personal_plan_reminders
from plans.services import ActionInput, RowInput, action_update, personal_plan_update
from plans.tasks import daily_plan_reminders
from plans.tests.helpers import personal_plan, strategy_plan
from shared.emails import send_templated

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


def test_a_reminder_that_cannot_be_queued_is_tried_again_on_the_next_run(
    world, smtp_sink, monkeypatch
):
    """The date reminded is recorded in the same transaction as the email is queued: a
    failure rolls the record back, so the reminder is not lost."""
    _plan, action = strategy_plan(world)
    real = send_templated

    def broken(**kwargs):
        raise TemplateDoesNotExist("emails/plan_action_due-subject.txt")

    monkeypatch.setattr(reminders, "send_templated", broken)
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 0
    action.refresh_from_db()
    assert action.reminder_sent_for is None
    monkeypatch.setattr(reminders, "send_templated", real)
    assert action_due_reminders(today=DUE - timedelta(days=6)) == 1
    assert _recipients(smtp_sink) == [world.manager.email]


def test_one_failure_does_not_stop_the_other_reminders(world, smtp_sink, monkeypatch):
    personal_plan(world)
    real = send_templated

    def first_step_breaks(**kwargs):
        if kwargs["context"].get("first_step"):
            raise TemplateDoesNotExist("broken")
        real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated", first_step_breaks)
    # Both dates fall in the window: the row's reminder goes, the first step's waits.
    assert personal_plan_reminders(today=FIRST_STEP) == 1
    assert PersonalPlan.objects.get().first_step_reminder_sent_for is None


def _change(action, world, **changes):
    fields = {
        "planned_action": action.planned_action,
        "number": action.number,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
        **changes,
    }
    return action_update(
        action=action, expected_version=None, data=ActionInput(**fields), by=world.hr_admin
    )


def test_a_new_owner_is_reminded_of_the_same_due_date(world, smtp_sink):
    _plan, action = strategy_plan(world)
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 1
    _change(action, world, owner=world.champion)
    assert action_due_reminders(today=DUE - timedelta(days=6)) == 1
    assert _recipients(smtp_sink) == [world.manager.email, world.champion.email]


def test_a_reopened_action_is_reminded_again(world, smtp_sink):
    _plan, action = strategy_plan(world)
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 1
    action = _change(action, world, status="done")
    _change(action, world, status="open")
    assert action_due_reminders(today=DUE - timedelta(days=6)) == 1


def test_other_changes_do_not_bring_another_reminder(world, smtp_sink):
    _plan, action = strategy_plan(world)
    assert action_due_reminders(today=DUE - timedelta(days=7)) == 1
    _change(action, world, planned_action="Reworded")
    assert action_due_reminders(today=DUE - timedelta(days=6)) == 0


def test_a_personal_row_ticked_off_then_reopened_is_reminded_again(world, smtp_sink):
    plan = personal_plan(world)
    assert personal_plan_reminders(today=ROW_DUE - timedelta(days=5)) == 1  # the row
    first, second = plan.rows.all()

    def save(*, done: bool, first_step_on: date) -> None:
        current = PersonalPlan.objects.get(pk=plan.pk)
        personal_plan_update(
            plan=current,
            expected_version=current.version,
            by=world.manager,
            title=current.title,
            first_step=current.first_step,
            first_step_on=first_step_on,
            rows=[
                RowInput(id=first.pk, action=first.action, due_on=first.due_on, done=done),
                RowInput(id=second.pk, action=second.action),
            ],
        )

    save(done=True, first_step_on=FIRST_STEP)
    save(done=False, first_step_on=ROW_DUE)  # and the first step moved to the row's date
    assert personal_plan_reminders(today=ROW_DUE - timedelta(days=4)) == 2


def test_people_who_left_the_organisation_are_not_reminded_of_their_own_plans(world, smtp_sink):
    personal_plan(world)
    Membership.objects.filter(user=world.manager, organisation=world.org).delete()
    assert personal_plan_reminders(today=FIRST_STEP - timedelta(days=7)) == 0
    assert personal_plan_reminders(today=ROW_DUE - timedelta(days=7)) == 0
    assert smtp_sink == []
