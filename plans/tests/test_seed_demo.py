"""The demo has a strategy plan with progress and the demo manager's own plan."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.http import Http404

from plans.models import ActionPoint, OrgPlan, PersonalPlan, ProgressEntry
from plans.selectors import access_personal_plan

pytestmark = pytest.mark.django_db


def test_the_demo_trust_has_a_strategy_plan_and_a_personal_plan() -> None:
    call_command("seed_demo", stdout=StringIO())
    plan = OrgPlan.objects.get(organisation__slug="eastbrook-hospitals")
    assert len(plan.periods) == 3
    assert plan.priorities.count() == 2
    assert ActionPoint.objects.filter(plan=plan, owner__isnull=False).count() == 3
    assert set(ProgressEntry.objects.values_list("rag", flat=True)) == {"red", "amber", "green"}
    personal = PersonalPlan.objects.get()
    assert personal.owner.email.startswith("manager@")
    assert personal.rows.count() == 2
    # Private to Marcus: the demo HR admin cannot open it.
    hr = plan.created_by
    assert hr is not None
    with pytest.raises(Http404):
        access_personal_plan(viewer=hr, organisation=plan.organisation, pk=personal.pk)
