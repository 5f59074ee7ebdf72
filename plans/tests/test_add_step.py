"""One step added to a person's own plan from another app (``plans.public``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from plans.models import PersonalPlan, PersonalPlanRow
from plans.public import personal_plan_add_step, personal_plan_with_step
from plans.services import MAX_ROWS, RowInput, personal_plan_create
from shared.writes import RuleError

pytestmark = pytest.mark.django_db

REF = "core-principles:equal-partners"


def add(world, user=None, action="Book a Frimbly chat", **kw):
    return personal_plan_add_step(
        organisation=world.org,
        by=user or world.carer,
        action=action,
        criterion_ref=REF,
        criterion_title="Core Principle: Treat them as equal partners",
        plan_title="Made for the step",
        **kw,
    )


def test_a_step_makes_a_plan_when_there_is_none_and_is_not_added_twice(world):
    first = add(world)
    again = add(world, action="  Book a Frimbly chat ")
    assert (first.added, first.plan_created) == (True, True)
    assert (again.added, again.plan_created) == (False, False)
    assert again.step == first.step
    plan = PersonalPlan.objects.get(owner=world.carer)
    assert plan.title == "Made for the step"
    assert list(plan.rows.values_list("action", "criterion_ref")) == [("Book a Frimbly chat", REF)]
    found = personal_plan_with_step(
        organisation=world.org, owner=world.carer, criterion_ref=REF, action="Book a Frimbly chat"
    )
    assert found == first.step
    # The entries are about the personal plan, which keeps them private.
    assert set(
        AuditEvent.objects.filter(actor=world.carer).values_list("object_type", flat=True)
    ) == {"plans.personalplan"}


def test_a_step_goes_to_the_end_of_the_plan_changed_last(world):
    older = personal_plan_create(organisation=world.org, by=world.carer, title="Older")
    newer = personal_plan_create(
        organisation=world.org, by=world.carer, title="Newer", rows=[RowInput(action="First")]
    )
    done = add(world)
    assert done.step.plan_id == newer.pk
    assert list(newer.rows.values_list("action", flat=True)) == ["First", "Book a Frimbly chat"]
    assert not older.rows.exists()


def test_someone_who_has_left_adds_nothing(world):
    with pytest.raises(PermissionDenied):
        add(world, user=world.leaver)
    assert not PersonalPlan.objects.exists()


def test_a_full_plan_or_an_empty_step_is_refused(world):
    plan = personal_plan_create(
        organisation=world.org,
        by=world.carer,
        title="Full",
        rows=[RowInput(action=f"Row {n}") for n in range(MAX_ROWS)],
    )
    with pytest.raises(RuleError) as refused:
        add(world)
    assert refused.value.code == "plan_full"
    with pytest.raises(RuleError) as empty:
        add(world, action="   ")
    assert empty.value.code == "no_step"
    assert PersonalPlanRow.objects.filter(plan=plan).count() == MAX_ROWS


def test_a_step_never_goes_into_a_plan_a_colleague_reads(world):
    from plans.models import PersonalPlanShare

    shared = personal_plan_create(organisation=world.org, by=world.carer, title="Shared")
    PersonalPlanShare.objects.create(plan=shared, with_user=world.manager)

    done = add(world)

    assert done.plan_created
    assert done.step.plan_id != shared.pk
    assert not shared.rows.exists()
