"""Small builders for plan tests (the personas come from carershub/tests/personas.py)."""

from __future__ import annotations

from datetime import date

from carershub.tests.personas import World
from plans.gaps import Gap
from plans.models import ActionPoint, OrgPlan, PersonalPlan, Priority
from plans.services import (
    ActionInput,
    RowInput,
    action_create,
    org_plan_create,
    personal_plan_create,
    priority_create,
)


def strategy_plan(world: World, *, owner_of_action: bool = True) -> tuple[OrgPlan, ActionPoint]:
    """A plan over two financial years with one priority and one action owned by the manager."""
    plan = org_plan_create(
        organisation=world.org,
        title="Carers' strategy action plan",
        period_start=date(2026, 4, 1),
        period_end=date(2028, 3, 31),
        by=world.hr_admin,
    )
    priority = priority_create(
        plan=plan,
        number="2",
        title="Information and communication",
        aim="Help carers find good information and support.",
        by=world.hr_admin,
    )
    action = action_create(
        priority=priority,
        data=ActionInput(
            number="2.1.1",
            planned_action="Raise the profile of carers' needs",
            what_we_will_do="Posters in every ward and a page on the intranet.",
            risks="Time pressure on the HR team.",
            owner=world.manager if owner_of_action else None,
            due_on=date(2026, 9, 30),
        ),
        by=world.hr_admin,
    )
    return plan, action


def first_priority(plan: OrgPlan) -> Priority:
    return plan.priorities.get()


def personal_plan(world: World, *, owner: str = "manager") -> PersonalPlan:
    user = world.persona(owner)
    assert user is not None
    return personal_plan_create(
        organisation=world.org,
        by=user,
        title="Carer Positive 2026",
        goal="Help build a culture of support for carers in my team.",
        first_step="Phone HR this afternoon to ask about our carers policy.",
        first_step_on=date(2026, 6, 2),
        rows=[
            RowInput(
                criterion_ref="carer-positive:identification",
                criterion_title="Identification of carers",
                action="Find out how staff can tell us they are carers.",
                help_from="HR",
                due_on=date(2026, 6, 9),
            ),
            RowInput(
                criterion_title="Peer support",
                action="Ask the champion about the network.",
                due_note="At the next team meeting",
            ),
        ],
    )


def gap(requirement: str, *, criterion: str = "identification", assessment_id: int = 7) -> Gap:
    return Gap(
        criterion_ref=f"carer-positive:{criterion}",
        criterion_title=criterion.capitalize(),
        requirement_ref=f"carer-positive:{criterion}:{requirement}",
        requirement_text=f"Requirement {requirement} of {criterion}",
        level_name="Established",
        assessment_id=assessment_id,
    )
