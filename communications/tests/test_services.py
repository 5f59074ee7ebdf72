"""Articles and suggestions through the services: who may write, what an unchanged save
does, conflicts between two copies, and a suggestion that reaches the plan once."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from communications.awareness import Campaign, occurrence
from communications.selectors import access_article, prompt_for, prompts_for
from communications.services import (
    article_create,
    article_publish,
    article_unpublish,
    article_update,
    suggestion_add,
)
from communications.tests.helpers import details, draft, published
from plans.models import ActionPoint, OrgPlan
from plans.services import org_plan_create
from shared.writes import EditConflict, RuleError

pytestmark = pytest.mark.django_db

RIGHTS_DAY = occurrence(Campaign.CARERS_RIGHTS_DAY, 2026)


@pytest.fixture(autouse=True)
def before_rights_day():
    """These tests are set on 1 November 2026, before Carers Rights Day 2026: after it, its
    suggestions are no longer added (tested below), and the tests must not rot with time."""
    with time_machine.travel(
        datetime(2026, 11, 1, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        yield


def test_an_article_starts_as_a_draft_that_only_hr_can_open(world):
    article = draft(world)
    assert not article.published
    assert access_article(viewer=world.org_admin, organisation=world.org, pk=article.pk)
    with pytest.raises(Http404):
        access_article(viewer=world.carer, organisation=world.org, pk=article.pk)


def test_staff_read_a_published_article_and_not_once_it_is_unpublished(world):
    article = published(world)
    assert access_article(viewer=world.carer, organisation=world.org, pk=article.pk) == article
    article_unpublish(article=article, user=world.hr_admin, expected_version=article.version)
    with pytest.raises(Http404):
        access_article(viewer=world.carer, organisation=world.org, pk=article.pk)


@pytest.mark.parametrize("who", ["carer", "champion", "sponsor", "manager", "leaver", "outsider"])
def test_only_hr_and_organisation_admins_in_post_write_articles(world, who):
    with pytest.raises(PermissionDenied):
        article_create(organisation=world.org, user=getattr(world, who), details=details())


def test_an_unchanged_save_writes_nothing(world):
    article = draft(world)
    writes = AuditEvent.objects.count()
    assert not article_update(
        article=article,
        user=world.hr_admin,
        details=details(title="  Juggling shifts and caring  "),
        expected_version=article.version,
    )
    article.refresh_from_db()
    assert article.version == 1
    assert AuditEvent.objects.count() == writes


def test_a_save_from_an_older_copy_is_refused_and_changes_nothing(world):
    article = draft(world)
    article_update(
        article=article, user=world.hr_admin, details=details(title="New"), expected_version=1
    )
    with pytest.raises(EditConflict):
        article_update(
            article=article,
            user=world.org_admin,
            details=details(title="Other"),
            expected_version=1,
        )
    article.refresh_from_db()
    assert (article.title, article.version) == ("New", 2)


def test_publishing_twice_changes_nothing_the_second_time(world):
    article = draft(world)
    assert article_publish(article=article, user=world.hr_admin, expected_version=1)
    article.refresh_from_db()
    assert not article_publish(article=article, user=world.hr_admin, expected_version=2)
    with pytest.raises(EditConflict):
        article_publish(article=article, user=world.hr_admin, expected_version=1)


def test_an_empty_summary_is_refused_by_name(world):
    with pytest.raises(RuleError) as refused:
        draft(world, summary="   ")
    assert refused.value.field == "summary"


def test_a_suggestion_goes_into_a_new_plan_under_awareness_days_once(world):
    suggestion = RIGHTS_DAY.suggestions[0]
    first = suggestion_add(
        organisation=world.org, user=world.hr_admin, occurrence=RIGHTS_DAY, suggestion=suggestion
    )
    assert first.added
    assert first.plan_created
    again = suggestion_add(
        organisation=world.org, user=world.org_admin, occurrence=RIGHTS_DAY, suggestion=suggestion
    )
    assert not again.added
    assert again.plan == first.plan
    action = ActionPoint.objects.get(plan__organisation=world.org)
    assert action.planned_action == f"Carers Rights Day 2026: {suggestion.title}"
    assert action.due_on == date(2026, 11, 19)
    assert action.priority.title == "Awareness days"
    assert OrgPlan.objects.filter(organisation=world.org).count() == 1


def test_a_suggestion_joins_the_plan_running_on_its_day(world):
    old = org_plan_create(
        organisation=world.org,
        title="Last year",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        by=world.hr_admin,
    )
    current = org_plan_create(
        organisation=world.org,
        title="This year",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        by=world.hr_admin,
    )
    for suggestion in RIGHTS_DAY.suggestions[:2]:
        added = suggestion_add(
            organisation=world.org,
            user=world.hr_admin,
            occurrence=RIGHTS_DAY,
            suggestion=suggestion,
        )
        assert added.plan.id == current.pk
        assert not added.plan_created
    assert not old.actions.exists()
    assert current.priorities.count() == 1
    assert [a.number for a in current.actions.order_by("pk")] == ["1.1", "1.2"]


@pytest.mark.parametrize("who", ["champion", "leaver", "carer", "outsider"])
def test_only_those_who_change_plans_add_a_suggestion(world, who):
    with pytest.raises(PermissionDenied):
        suggestion_add(
            organisation=world.org,
            user=getattr(world, who),
            occurrence=RIGHTS_DAY,
            suggestion=RIGHTS_DAY.suggestions[0],
        )
    assert not ActionPoint.objects.exists()


def test_the_prompt_says_what_is_in_the_plan_and_whether_the_reader_may_add(world):
    suggestion = RIGHTS_DAY.suggestions[1]
    suggestion_add(
        organisation=world.org, user=world.hr_admin, occurrence=RIGHTS_DAY, suggestion=suggestion
    )
    today = date(2026, 11, 1)
    hr = prompt_for(viewer=world.hr_admin, organisation=world.org, found=RIGHTS_DAY, today=today)
    assert hr.can_add
    assert [row.in_plan for row in hr.rows] == [False, True, False, False]
    champion = prompt_for(
        viewer=world.champion, organisation=world.org, found=RIGHTS_DAY, today=today
    )
    assert not champion.can_add
    # Another organisation's plan is its own.
    other = prompt_for(
        viewer=world.outsider, organisation=world.other_org, found=RIGHTS_DAY, today=today
    )
    assert not any(row.in_plan for row in other.rows)


@pytest.mark.parametrize(
    ("who", "prompted"),
    [
        ("hr_admin", True),
        ("org_admin", True),
        ("champion", True),
        ("carer", False),
        ("manager", False),
        ("sponsor", False),
        ("leaver", False),
    ],
)
def test_hr_admins_and_champions_in_post_are_prompted(world, who, prompted):
    found = prompts_for(viewer=getattr(world, who), organisation=world.org, today=date(2026, 11, 1))
    assert bool(found) == prompted


def test_once_the_day_is_over_its_suggestions_are_only_read(world):
    over = date(2026, 11, 20)
    with time_machine.travel(
        datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        hr = prompt_for(viewer=world.hr_admin, organisation=world.org, found=RIGHTS_DAY, today=over)
        assert not hr.can_add
        with pytest.raises(RuleError) as refused:
            suggestion_add(
                organisation=world.org,
                user=world.hr_admin,
                occurrence=RIGHTS_DAY,
                suggestion=RIGHTS_DAY.suggestions[0],
            )
    assert refused.value.code == "day_over"
    assert not ActionPoint.objects.exists()
