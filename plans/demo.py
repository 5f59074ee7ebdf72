"""Plans' part of the demo: the employer's carers' strategy plan and a manager's own plan."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from organisations.models import Organisation
from plans.services import (
    ActionInput,
    RowInput,
    action_create,
    org_plan_create,
    personal_plan_create,
    priority_create,
    progress_add,
)


def seed(*, organisation: Organisation, hr: User, manager: User, champion: User) -> None:
    """A carers' strategy plan kept by ``hr``, with actions owned by all three and progress
    on them, and the manager's own plan."""
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    cmd = Channel.COMMAND
    plan = org_plan_create(
        organisation=organisation,
        title="Working carers strategy action plan",
        period_start=date(year, 4, 1),
        period_end=date(year + 3, 3, 31),
        by=hr,
        channel=cmd,
    )
    this_year = plan.periods[0]
    for number, title, aim, actions in (
        (
            "1",
            "Information and communication",
            "Make sure carers on the staff can find good information and support.",
            (
                (
                    "Raise the profile of working carers",
                    "Posters in every ward and an intranet page, refreshed each Carers Week.",
                    "Competing demands for space in staff news.",
                    champion,
                    60,
                    ("green", "Posters are up on all wards; the intranet page is live."),
                ),
                (
                    "Brief line managers on carer's leave",
                    "A 20-minute briefing in each directorate's managers' meeting.",
                    "Managers' meetings are often cut short.",
                    manager,
                    20,
                    ("amber", "Medicine and Surgery briefed; two directorates to go."),
                ),
            ),
        ),
        (
            "2",
            "Health and wellbeing",
            "Help carers on the staff stay well.",
            (
                (
                    "Wellbeing drop-ins for staff with caring roles",
                    "Quarterly drop-ins with occupational health, in person and online.",
                    "Funding not yet agreed.",
                    hr,
                    120,
                    ("red", "Waiting for a budget decision."),
                ),
            ),
        ),
    ):
        priority = priority_create(
            plan=plan, number=number, title=title, aim=aim, by=hr, channel=cmd
        )
        for planned, will_do, risks, owner, due_in, progress in actions:
            action = action_create(
                priority=priority,
                data=ActionInput(
                    planned_action=planned,
                    what_we_will_do=will_do,
                    risks=risks,
                    owner=owner,
                    due_on=today + timedelta(days=due_in),
                ),
                by=hr,
                channel=cmd,
            )
            rag, text = progress
            progress_add(action=action, period=this_year, text=text, rag=rag, by=hr, channel=cmd)
    personal_plan_create(
        organisation=organisation,
        by=manager,
        title="Supporting carers in my team",
        goal="A team where people feel able to say they are carers and get the support they need.",
        first_step="Ask HR this week what our carers policy says about flexible working.",
        first_step_on=today + timedelta(days=3),
        rows=[
            RowInput(
                criterion_title="Identification of carers",
                action="Mention carers and the carer's passport at my next team meeting.",
                help_from="The carer champion",
                due_note="Next team meeting",
            ),
            RowInput(
                criterion_title="Peer support",
                action="Find out when the staff carers' network meets and tell the team.",
                help_from="The carer champion and the intranet",
                due_on=today + timedelta(days=21),
            ),
        ],
        channel=cmd,
    )
