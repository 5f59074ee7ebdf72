"""The benchmark hand-off: unmet requirements become action points."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from plans.models import ActionPoint, ActionStatus, OrgPlan, Priority
from plans.services import org_plan_add_gaps
from plans.tests.helpers import gap, strategy_plan


def test_one_action_per_unmet_requirement_with_criterion_links(world):
    gaps = [gap("definition"), gap("route"), gap("statement", criterion="policy")]
    plan = org_plan_add_gaps(organisation=world.org, gaps=gaps, by=world.hr_admin)

    assert plan.title.startswith("Benchmark action plan")
    assert plan.periods  # derived from the dates
    priorities = list(plan.priorities.order_by("position"))
    assert [(p.title, p.criterion_ref) for p in priorities] == [
        ("Identification", "carer-positive:identification"),
        ("Policy", "carer-positive:policy"),
    ]
    actions = list(ActionPoint.objects.filter(plan=plan).order_by("position"))
    assert [a.requirement_ref for a in actions] == [g.requirement_ref for g in gaps]
    first = actions[0]
    assert first.planned_action == "Requirement definition of identification"
    assert first.criterion_ref == "carer-positive:identification"
    assert first.criterion_title == "Identification"
    assert first.source_assessment_id == 7
    assert first.status == ActionStatus.OPEN
    assert [a.number for a in actions] == ["1.1", "1.2", "2.1"]
    assert reverse("plans:org_plan_detail", args=(world.org.slug, plan.pk)).endswith(
        f"/plans/org/{plan.pk}/"
    )
    summaries = set(
        AuditEvent.objects.filter(organisation_id=world.org.pk).values_list("summary", flat=True)
    )
    assert any("carer-positive:identification:route" in s for s in summaries)


def test_a_requirement_with_an_open_action_is_not_added_twice(world):
    plan = org_plan_add_gaps(organisation=world.org, gaps=[gap("route")], by=world.hr_admin)
    again = org_plan_add_gaps(
        organisation=world.org,
        gaps=[gap("route"), gap("route"), gap("definition")],
        by=world.hr_admin,
        plan=plan,
    )
    assert again.pk == plan.pk
    refs = list(ActionPoint.objects.filter(plan=plan).values_list("requirement_ref", flat=True))
    assert sorted(refs) == [
        "carer-positive:identification:definition",
        "carer-positive:identification:route",
    ]
    # The criterion's priority is reused, not made again.
    assert Priority.objects.filter(plan=plan).count() == 1


def test_a_requirement_whose_action_is_done_gets_a_new_one(world):
    plan = org_plan_add_gaps(organisation=world.org, gaps=[gap("route")], by=world.hr_admin)
    ActionPoint.objects.filter(plan=plan).update(status=ActionStatus.DONE)
    org_plan_add_gaps(organisation=world.org, gaps=[gap("route")], by=world.hr_admin, plan=plan)
    assert ActionPoint.objects.filter(plan=plan).count() == 2


def test_gaps_join_an_existing_plan_under_their_own_priorities(world):
    plan, _action = strategy_plan(world)
    org_plan_add_gaps(
        organisation=world.org, gaps=[gap("route")], by=world.hr_admin, plan=plan, title="Ignored"
    )
    plan.refresh_from_db()
    assert plan.title == "Carers' strategy action plan"
    assert list(plan.priorities.values_list("title", flat=True)) == [
        "Information and communication",
        "Identification",
    ]
    added = ActionPoint.objects.get(plan=plan, requirement_ref__endswith=":route")
    assert added.number == "3.1"


def test_a_title_can_be_given(world):
    plan = org_plan_add_gaps(
        organisation=world.org, gaps=[gap("route")], by=world.hr_admin, title="From the review"
    )
    assert plan.title == "From the review"


def test_only_hr_hands_gaps_over(world):
    with pytest.raises(PermissionDenied):
        org_plan_add_gaps(organisation=world.org, gaps=[gap("route")], by=world.champion)
    assert not OrgPlan.objects.exists()


def test_another_organisations_plan_is_refused(world):
    plan = org_plan_add_gaps(organisation=world.org, gaps=[], by=world.hr_admin)
    from django.http import Http404

    with pytest.raises(Http404):
        org_plan_add_gaps(
            organisation=world.other_org, gaps=[gap("route")], by=world.outsider, plan=plan
        )
    assert not ActionPoint.objects.exists()
