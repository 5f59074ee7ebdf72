"""Plan services and selectors, below the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import Membership
from plans.models import PersonalPlanRow
from plans.selectors import (
    actions_owned_by,
    org_plan_layout,
    org_plans_visible_to,
    personal_plans_shared_with,
)
from plans.services import (
    ActionInput,
    PlanConflict,
    RowInput,
    action_create,
    financial_years,
    org_plan_update,
    personal_plan_share,
    personal_plan_unshare,
    personal_plan_update,
    priority_create,
    progress_add,
)
from plans.tests.helpers import personal_plan, strategy_plan


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 1), date(2029, 3, 31), ["2026/27", "2027/28", "2028/29"]),
        (date(2026, 3, 31), date(2026, 4, 1), ["2025/26", "2026/27"]),
        (date(2099, 5, 1), date(2100, 5, 1), ["2099/00", "2100/01"]),
    ],
)
def test_financial_years_run_from_april_to_march(start, end, expected):
    assert financial_years(start, end) == expected


def test_numbers_follow_on_after_the_highest(world):
    plan, _action = strategy_plan(world)
    priority = plan.priorities.get()  # number "2", with action "2.1.1"
    assert priority_create(plan=plan, title="Next", by=world.hr_admin).number == "3"
    second = action_create(
        priority=priority, data=ActionInput(planned_action="More"), by=world.hr_admin
    )
    assert second.number == "2.2"


def test_only_hr_writes_organisation_plans(world):
    plan, action = strategy_plan(world)
    with pytest.raises(PermissionDenied):
        priority_create(plan=plan, title="No", by=world.sponsor)
    with pytest.raises(PermissionDenied):
        progress_add(action=action, period="2026/27", text="x", rag="red", by=world.champion)


def test_a_stale_plan_edit_names_who_changed_it(world):
    plan, _action = strategy_plan(world)
    org_plan_update(
        plan=plan,
        expected_version=1,
        title="Renamed",
        period_start=plan.period_start,
        period_end=plan.period_end,
        by=world.org_admin,
    )
    with pytest.raises(PlanConflict) as clash:
        org_plan_update(
            plan=plan,
            expected_version=1,
            title="Mine",
            period_start=plan.period_start,
            period_end=plan.period_end,
            by=world.hr_admin,
        )
    assert world.org_admin.first_name in clash.value.message


def test_saving_a_plan_keeps_rows_by_id_and_what_was_reminded(world):
    plan = personal_plan(world)
    first, second = plan.rows.all()
    PersonalPlanRow.objects.filter(pk=first.pk).update(reminder_sent_for=first.due_on)
    personal_plan_update(
        plan=plan,
        expected_version=plan.version,
        by=world.manager,
        title=plan.title,
        rows=[
            RowInput(id=second.pk, action="Moved to the top"),
            RowInput(
                id=first.pk,
                action=first.action,
                criterion_ref=first.criterion_ref,
                criterion_title=first.criterion_title,
                due_on=first.due_on,
            ),
            RowInput(action="A new row"),
        ],
    )
    rows = list(PersonalPlanRow.objects.filter(plan=plan))
    assert [(r.pk, r.action) for r in rows[:2]] == [
        (second.pk, "Moved to the top"),
        (first.pk, first.action),
    ]
    assert rows[1].reminder_sent_for == first.due_on  # same date: not reminded again
    assert rows[2].action == "A new row"


def test_only_the_owner_changes_or_shares_a_personal_plan(world):
    plan = personal_plan(world)
    with pytest.raises(PermissionDenied):
        personal_plan_update(plan=plan, expected_version=None, by=world.hr_admin, title="Mine")
    with pytest.raises(PermissionDenied):
        personal_plan_share(plan=plan, email=world.hr_admin.email, by=world.hr_admin)
    with pytest.raises(ValidationError):
        personal_plan_share(plan=plan, email=world.manager.email, by=world.manager)  # oneself


def test_a_row_needs_something_to_do(world):
    plan = personal_plan(world)
    with pytest.raises(ValidationError):
        personal_plan_update(
            plan=plan,
            expected_version=None,
            by=world.manager,
            title="x",
            rows=[RowInput(action=" ")],
        )


def test_sharing_twice_keeps_one_share_and_ending_it_hides_the_plan(world):
    plan = personal_plan(world)
    share = personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)
    assert personal_plan_share(plan=plan, email=world.carer.email, by=world.manager) == share
    assert list(personal_plans_shared_with(viewer=world.carer, organisation=world.org)) == [plan]
    personal_plan_unshare(share=share, by=world.manager)
    assert not personal_plans_shared_with(viewer=world.carer, organisation=world.org).exists()


def test_a_colleague_who_leaves_the_organisation_loses_a_shared_plan(world):
    plan = personal_plan(world)
    personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)
    assert world.carer.has_perm("plans.view_personal_plan", plan)
    Membership.objects.filter(user=world.carer).delete()
    world.carer.refresh_from_db()
    fresh = type(world.carer).objects.get(pk=world.carer.pk)  # roles are cached per user object
    assert not fresh.has_perm("plans.view_personal_plan", plan)


def test_visible_plans_and_my_actions(world):
    plan, action = strategy_plan(world)
    assert list(org_plans_visible_to(viewer=world.champion, organisation=world.org)) == [plan]
    assert list(org_plans_visible_to(viewer=world.manager, organisation=world.org)) == [plan]
    assert not org_plans_visible_to(viewer=world.carer, organisation=world.org).exists()
    assert list(actions_owned_by(viewer=world.manager, organisation=world.org)) == [action]


def test_the_layout_is_three_queries_whatever_the_size(world, django_assert_num_queries):
    plan, action = strategy_plan(world)
    for period in ("2026/27", "2026/27", "2027/28"):
        progress_add(action=action, period=period, text=period, rag="green", by=world.hr_admin)
    with django_assert_num_queries(3):
        blocks = org_plan_layout(plan=plan)
    row = blocks[0].rows[0]
    assert row.entries == 3
    assert [p for p, entry in row.by_period if entry] == ["2026/27", "2027/28"]
