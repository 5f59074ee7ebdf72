"""Organisation plan pages: who gets in, what they see, what is written."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from plans.models import ActionPoint, OrgPlan, Priority, ProgressEntry
from plans.services import org_plan_create, progress_add
from plans.tests.helpers import strategy_plan


def _url(name: str, world, *args: int) -> str:
    return reverse(name, args=[world.org.slug, *args])


def test_hr_creates_a_plan_with_financial_years(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:org_plan_new", world),
        {"title": "Carers' strategy", "period_start": "2026-04-01", "period_end": "2029-03-31"},
    )
    plan = OrgPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("plans:org_plan_detail", world, plan.pk)
    assert plan.periods == ["2026/27", "2027/28", "2028/29"]
    assert AuditEvent.objects.filter(
        object_type="plans.orgplan", object_id=str(plan.pk), action="create"
    ).exists()


def test_a_plan_with_its_end_before_its_start_keeps_what_was_typed(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:org_plan_new", world),
        {"title": "Backwards", "period_start": "2027-04-01", "period_end": "2026-03-31"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The end must be on or after the start." in response.text
    assert 'value="Backwards"' in response.text
    assert not OrgPlan.objects.exists()


def test_periods_can_be_named_by_hand(client, world):
    client.force_login(world.hr_admin)
    client.post(
        _url("plans:org_plan_new", world),
        {
            "title": "Half-yearly",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "periods": "Spring 2026\nAutumn 2026\n",
        },
    )
    assert OrgPlan.objects.get().periods == ["Spring 2026", "Autumn 2026"]


def test_wrong_method_is_refused(client, world):
    plan, _action = strategy_plan(world)
    client.force_login(world.hr_admin)
    assert client.post(_url("plans:org_plan_detail", world, plan.pk)).status_code == 405
    assert client.delete(_url("plans:org_plan_new", world)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr_admin", 200),
        ("org_admin", 200),
        ("sponsor", 200),
        ("champion", 200),
        ("manager", 200),  # owns the action
        ("carer", 403),
        ("outsider", 404),
    ],
)
def test_who_sees_a_plan(client, world, persona, status):
    plan, _action = strategy_plan(world)
    client.force_login(world.persona(persona))
    assert client.get(_url("plans:org_plan_detail", world, plan.pk)).status_code == status


def test_another_organisations_plan_is_not_found_even_for_hr(client, world):
    plan, _action = strategy_plan(world)
    client.force_login(world.outsider)
    url = reverse("plans:org_plan_detail", args=[world.other_org.slug, plan.pk])
    assert client.get(url).status_code == 404


def test_only_hr_changes_a_plan(client, world):
    plan, action = strategy_plan(world)
    for persona in ("sponsor", "champion", "manager"):
        client.force_login(world.persona(persona))
        assert client.get(_url("plans:org_plan_edit", world, plan.pk)).status_code == 403
        assert client.get(_url("plans:action_edit", world, plan.pk, action.pk)).status_code == 403


def test_the_detail_page_shows_the_newest_progress_of_each_period(client, world):
    plan, action = strategy_plan(world)
    progress_add(
        action=action, period="2026/27", text="Posters ordered", rag="amber", by=world.hr_admin
    )
    progress_add(action=action, period="2026/27", text="Posters up", rag="green", by=world.manager)
    client.force_login(world.sponsor)
    page = client.get(_url("plans:org_plan_detail", world, plan.pk)).text
    assert "Posters up" in page
    assert "Posters ordered" not in page
    assert "Nothing reported" in page  # 2027/28
    history = client.get(_url("plans:action_detail", world, plan.pk, action.pk)).text
    assert "Posters ordered" in history
    assert "Posters up" in history


def test_the_detail_page_takes_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    plan, _action = strategy_plan(world)
    client.force_login(world.hr_admin)
    client.get(_url("plans:org_plan_detail", world, plan.pk))  # warm the session

    def grow() -> None:
        priority = Priority.objects.create(plan=plan, number="9", title="More", position=9)
        for n in range(5):
            extra = ActionPoint.objects.create(
                plan=plan,
                priority=priority,
                number=f"9.{n}",
                planned_action="More",
                owner=world.manager,
            )
            ProgressEntry.objects.create(
                action=extra, period="2026/27", text="x", rag="red", by_name="HR"
            )

    with django_assert_max_num_queries(12) as small:
        client.get(_url("plans:org_plan_detail", world, plan.pk))
    grow()
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_url("plans:org_plan_detail", world, plan.pk))
    assert response.text.count('class="govuk-summary-card__title"') == 11


def test_hr_adds_a_priority_and_an_action_with_an_owner(client, world):
    plan, _action = strategy_plan(world)
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:priority_new", world, plan.pk),
        {"title": "Health and wellbeing", "aim": "Stay well"},
    )
    assert response.status_code == 302
    priority = Priority.objects.get(title="Health and wellbeing")
    assert priority.number == "3"
    response = client.post(
        _url("plans:action_new", world, plan.pk),
        {
            "priority": priority.pk,
            "planned_action": "Health checks for carers",
            "owner_email": "CHAMPION@example.org",
            "due_on": "2026-12-01",
            "status": "open",
        },
    )
    assert response.status_code == 302
    action = ActionPoint.objects.get(planned_action="Health checks for carers")
    assert action.owner == world.champion
    assert action.number == "3.1"
    assert action.due_on == date(2026, 12, 1)


def test_an_owner_from_outside_the_organisation_is_refused_and_nothing_is_saved(client, world):
    plan, _action = strategy_plan(world)
    priority = plan.priorities.get()
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:action_new", world, plan.pk),
        {
            "priority": priority.pk,
            "planned_action": "Something",
            "owner_email": world.outsider.email,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "Nobody with that email address is a member" in response.text
    assert "Something</textarea>" in response.text
    assert ActionPoint.objects.count() == 1


def test_concurrent_edits_to_an_action_never_overwrite(client, world):
    plan, action = strategy_plan(world)
    client.force_login(world.hr_admin)
    form = {
        "version": action.version,
        "priority": action.priority_id,
        "planned_action": "First edit",
        "status": "open",
    }
    assert (
        client.post(_url("plans:action_edit", world, plan.pk, action.pk), form).status_code == 302
    )
    stale = {**form, "planned_action": "Second edit from an old copy"}
    response = client.post(_url("plans:action_edit", world, plan.pk, action.pk), stale)
    assert response.status_code == 200
    assert "after you opened it" in response.text
    assert "Second edit from an old copy" in response.text
    action.refresh_from_db()
    assert action.planned_action == "First edit"
    # The page now carries the new version: saving again applies it knowingly.
    assert f'value="{action.version}"' in response.text


def test_the_owner_adds_progress_to_their_own_action_and_it_is_audited(client, world):
    plan, action = strategy_plan(world)
    client.force_login(world.manager)
    response = client.post(
        _url("plans:progress_new", world, plan.pk, action.pk),
        {"period": "2026/27", "rag": "amber", "text": "Half the wards done"},
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.rag, entry.by) == ("amber", world.manager)
    assert AuditEvent.objects.filter(
        object_type="plans.progressentry", actor=world.manager
    ).exists()


def test_a_sponsor_reads_but_does_not_report_progress(client, world):
    plan, action = strategy_plan(world)
    client.force_login(world.sponsor)
    url = _url("plans:progress_new", world, plan.pk, action.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"period": "2026/27", "rag": "red", "text": "x"}).status_code == 403
    assert not ProgressEntry.objects.exists()


def test_progress_without_a_status_keeps_the_text(client, world):
    plan, action = strategy_plan(world)
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:progress_new", world, plan.pk, action.pk),
        {"period": "2026/27", "text": "Written but no colour"},
    )
    assert response.status_code == 200
    assert "Choose red, amber or green." in response.text
    assert "Written but no colour" in response.text


def test_a_priority_with_actions_is_not_deleted(client, world):
    plan, _action = strategy_plan(world)
    priority = plan.priorities.get()
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:priority_edit", world, plan.pk, priority.pk), {"delete": "1"}
    )
    assert response.status_code == 302
    assert Priority.objects.filter(pk=priority.pk).exists()


def test_removing_a_period_with_progress_is_refused(client, world):
    plan, action = strategy_plan(world)
    progress_add(action=action, period="2027/28", text="x", rag="red", by=world.hr_admin)
    client.force_login(world.hr_admin)
    response = client.post(
        _url("plans:org_plan_edit", world, plan.pk),
        {
            "version": plan.version,
            "title": plan.title,
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
        },
    )
    assert response.status_code == 200
    assert "Progress has been written for 2027/28" in response.text
    plan.refresh_from_db()
    assert plan.periods == ["2026/27", "2027/28"]


@pytest.mark.parametrize(
    "page", ["plans:org_plan_edit", "plans:priority_edit", "plans:action_edit"]
)
def test_an_edit_without_its_version_is_refused_and_keeps_what_was_typed(client, world, page):
    """Leaving the hidden version out must not skip the clash check (trust rule 8)."""
    plan, action = strategy_plan(world)
    form = {
        "plans:org_plan_edit": {
            "title": "Typed title",
            "period_start": "2026-04-01",
            "period_end": "2028-03-31",
        },
        "plans:priority_edit": {"title": "Typed title"},
        "plans:action_edit": {
            "priority": action.priority_id,
            "planned_action": "Typed title",
            "status": "open",
        },
    }[page]
    args = {
        "plans:org_plan_edit": (plan.pk,),
        "plans:priority_edit": (plan.pk, action.priority_id),
        "plans:action_edit": (plan.pk, action.pk),
    }[page]
    client.force_login(world.hr_admin)
    response = client.post(_url(page, world, *args), form)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "which version of this page you started from" in response.text
    assert "Typed title" in response.text
    plan.refresh_from_db()
    action.refresh_from_db()
    priority = plan.priorities.get()
    assert "Typed title" not in (plan.title, priority.title, action.planned_action)
    assert (plan.version, priority.version, action.version) == (1, 1, 1)


def test_creating_needs_no_version(client, world):
    plan, _action = strategy_plan(world)
    client.force_login(world.hr_admin)
    response = client.post(_url("plans:priority_new", world, plan.pk), {"title": "Wellbeing"})
    assert response.status_code == 302
    assert plan.priorities.filter(title="Wellbeing").exists()


def test_an_action_with_progress_is_not_deleted_and_the_page_says_why(client, world):
    plan, action = strategy_plan(world)
    progress_add(action=action, period="2026/27", text="Posters up", rag="green", by=world.hr_admin)
    client.force_login(world.hr_admin)
    url = _url("plans:action_edit", world, plan.pk, action.pk)
    page = client.get(url).text
    assert "Progress has been reported on this action point" in page
    assert 'name="delete"' not in page
    response = client.post(url, {"delete": "1"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "so it cannot be deleted" in response.text
    assert ActionPoint.objects.filter(pk=action.pk).exists()
    assert ProgressEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="plans.actionpoint", action="delete")


def test_an_action_without_progress_is_deleted(client, world):
    plan, action = strategy_plan(world)
    client.force_login(world.hr_admin)
    url = _url("plans:action_edit", world, plan.pk, action.pk)
    assert 'name="delete"' in client.get(url).text
    response = client.post(url, {"delete": "1"})
    assert response["Location"] == _url("plans:org_plan_detail", world, plan.pk)
    assert not ActionPoint.objects.exists()


@pytest.mark.parametrize(
    ("persona", "listed"),
    [("hr_admin", 2), ("sponsor", 2), ("manager", 1), ("carer", 0)],
)
def test_the_plan_list_shows_an_action_owner_only_their_plans(
    client, world, persona, listed, django_assert_max_num_queries
):
    """As in the API: every plan for the roles that read them all; for anyone else only
    the plans where they own an action point."""
    plan, _action = strategy_plan(world)
    org_plan_create(
        organisation=world.org,
        title="A plan without the manager",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        by=world.hr_admin,
    )
    client.force_login(world.persona(persona))
    client.get(_url("plans:home", world))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(_url("plans:org_plan_list", world))
    assert response.status_code == 200
    assert response.text.count(_url("plans:org_plan_detail", world, plan.pk)) == (
        1 if listed else 0
    )
    assert ("A plan without the manager" in response.text) == (listed == 2)
    if not listed:
        assert "You do not own an action point in any plan." in response.text
