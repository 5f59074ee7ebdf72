"""Personal plans: the owner's alone, shared read-only on request."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import events_for_organisation
from plans.models import PersonalPlan, PersonalPlanRow, PersonalPlanShare
from plans.services import personal_plan_share
from plans.tests.helpers import personal_plan


def _url(name: str, world, *args: int) -> str:
    return reverse(name, args=[world.org.slug, *args])


def _management(total: int, initial: int = 0) -> dict[str, str]:
    return {
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "30",
    }


def test_a_manager_writes_a_plan_with_a_goal_rows_and_a_first_step(client, world):
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_new", world),
        {
            "title": "Carer Positive",
            "goal": "A team where carers feel supported.",
            **_management(3),
            "rows-0-criterion_other": "Identification of carers",
            "rows-0-action": "Check how staff tell us they are carers.",
            "rows-0-help_from": "HR",
            "rows-0-due_on": "2026-06-09",
            "rows-1-criterion_other": "Peer support",
            "rows-1-action": "Ask about the network.",
            "rows-1-due_note": "Next team meeting",
            # Row 3 left blank: ignored, not an error.
            "first_step": "Phone HR this afternoon.",
            "first_step_on": "2026-06-02",
            "save": "1",
        },
    )
    plan = PersonalPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("plans:personal_plan_detail", world, plan.pk)
    assert (plan.owner, plan.goal, plan.first_step_on) == (
        world.manager,
        "A team where carers feel supported.",
        date(2026, 6, 2),
    )
    rows = list(plan.rows.all())
    assert [(r.criterion_title, r.due_on, r.due_note) for r in rows] == [
        ("Identification of carers", date(2026, 6, 9), ""),
        ("Peer support", None, "Next team meeting"),
    ]
    event = AuditEvent.objects.get(object_type="plans.personalplan", action="create")
    assert event.actor == world.manager
    # The organisation's log never shows a personal plan, not even that one exists.
    assert not events_for_organisation(organisation_id=world.org.pk).filter(
        object_type__startswith="plans.personal"
    )


def test_add_another_row_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_new", world),
        {
            "title": "",
            "goal": "Typed goal",
            **_management(1),
            "rows-0-action": "Typed action",
            "add_row": "1",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" not in response.text
    assert "Typed goal" in response.text
    assert "Typed action" in response.text
    assert 'name="rows-1-action"' in response.text
    assert not PersonalPlan.objects.exists()


def test_a_row_without_an_action_is_an_error_that_loses_nothing(client, world):
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_new", world),
        {
            "title": "Plan",
            **_management(1),
            "rows-0-help_from": "The carers centre",
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert "Row 1: Say what you are going to do." in response.text
    assert "The carers centre" in response.text
    assert not PersonalPlan.objects.exists()


def test_the_owner_removes_a_row_and_edits_another(client, world):
    plan = personal_plan(world)
    first, second = plan.rows.all()
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_edit", world, plan.pk),
        {
            "version": plan.version,
            "title": plan.title,
            **_management(2, initial=2),
            "rows-0-row_id": first.pk,
            "rows-0-action": "Changed action",
            "rows-0-criterion": first.criterion_ref,
            "rows-1-row_id": second.pk,
            "rows-1-action": second.action,
            "rows-1-DELETE": "on",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert list(PersonalPlanRow.objects.values_list("pk", "action")) == [
        (first.pk, "Changed action")
    ]
    # The criterion reference survives even if no framework offers it any more.
    assert PersonalPlanRow.objects.get().criterion_ref == "carer-positive:identification"


def test_a_stale_copy_does_not_overwrite_a_newer_save(client, world):
    plan = personal_plan(world)
    client.force_login(world.manager)
    data = {"version": plan.version, "title": "First", **_management(0), "save": "1"}
    assert client.post(_url("plans:personal_plan_edit", world, plan.pk), data).status_code == 302
    response = client.post(
        _url("plans:personal_plan_edit", world, plan.pk), {**data, "title": "Second"}
    )
    assert response.status_code == 200
    assert "after you opened it" in response.text
    plan.refresh_from_db()
    assert plan.title == "First"


def test_an_edit_without_its_version_is_refused_and_keeps_what_was_typed(client, world):
    """Leaving the hidden version out must not skip the clash check (trust rule 8)."""
    plan = personal_plan(world)
    client.force_login(world.manager)
    data = {"title": "Typed without a version", **_management(0), "save": "1"}
    response = client.post(_url("plans:personal_plan_edit", world, plan.pk), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "which version of this page you started from" in response.text
    assert 'value="Typed without a version"' in response.text
    plan.refresh_from_db()
    assert (plan.title, plan.rows.count()) == ("Carer Positive 2026", 2)


def test_a_new_plan_needs_no_version(client, world):
    client.force_login(world.manager)
    data = {"title": "New", **_management(0), "save": "1"}
    assert client.post(_url("plans:personal_plan_new", world), data).status_code == 302
    assert PersonalPlan.objects.get().title == "New"


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "carer", "sponsor", "champion"])
def test_nobody_else_sees_a_personal_plan_not_even_hr(client, world, persona):
    plan = personal_plan(world)
    client.force_login(world.persona(persona))
    for name in (
        "plans:personal_plan_detail",
        "plans:personal_plan_edit",
        "plans:personal_plan_pdf",
        "plans:personal_plan_csv",
        "plans:personal_plan_share",
        "plans:personal_plan_delete",
    ):
        assert client.get(_url(name, world, plan.pk)).status_code == 404, name
    home = client.get(_url("plans:home", world)).text
    assert plan.title not in home


def test_shared_read_only_listed_and_revocable(client, world):
    plan = personal_plan(world)
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_share", world, plan.pk), {"email": world.carer.email.upper()}
    )
    assert response.status_code == 302
    share = PersonalPlanShare.objects.get()
    assert share.with_user == world.carer
    owner_page = client.get(_url("plans:personal_plan_detail", world, plan.pk)).text
    assert f"Shared with {world.carer.get_full_name()}" in owner_page

    client.force_login(world.carer)
    home = client.get(_url("plans:home", world)).text
    assert "Plans shared with you" in home
    assert plan.title in home
    page = client.get(_url("plans:personal_plan_detail", world, plan.pk))
    assert page.status_code == 200
    assert "You can read it but not change it" in page.text
    assert "Change this plan" not in page.text
    assert client.get(_url("plans:personal_plan_edit", world, plan.pk)).status_code == 403
    assert client.get(_url("plans:personal_plan_pdf", world, plan.pk)).status_code == 403

    client.force_login(world.manager)
    response = client.post(_url("plans:personal_plan_unshare", world, plan.pk, share.pk))
    assert response.status_code == 302
    client.force_login(world.carer)
    assert client.get(_url("plans:personal_plan_detail", world, plan.pk)).status_code == 404


def test_sharing_with_someone_outside_the_organisation_is_refused(client, world):
    plan = personal_plan(world)
    client.force_login(world.manager)
    response = client.post(
        _url("plans:personal_plan_share", world, plan.pk), {"email": world.outsider.email}
    )
    assert response.status_code == 200
    assert "Nobody with that email address is a member" in response.text
    assert world.outsider.email in response.text
    assert not PersonalPlanShare.objects.exists()


def test_the_owner_deletes_their_plan(client, world):
    plan = personal_plan(world)
    personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)
    client.force_login(world.manager)
    assert client.get(_url("plans:personal_plan_delete", world, plan.pk)).status_code == 200
    response = client.post(_url("plans:personal_plan_delete", world, plan.pk))
    assert response.status_code == 302
    assert not PersonalPlan.objects.exists()
    assert not PersonalPlanShare.objects.exists()


def test_unshare_needs_post(client, world):
    plan = personal_plan(world)
    share = personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)
    client.force_login(world.manager)
    assert (
        client.get(_url("plans:personal_plan_unshare", world, plan.pk, share.pk)).status_code == 405
    )


def test_the_home_page_takes_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from plans.tests.helpers import strategy_plan

    personal_plan(world)
    strategy_plan(world)
    client.force_login(world.manager)
    client.get(_url("plans:home", world))
    with django_assert_max_num_queries(12) as small:
        client.get(_url("plans:home", world))
    for _ in range(3):
        plan = personal_plan(world)
        personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)
        strategy_plan(world)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(_url("plans:home", world)).text
    assert page.count("Carer Positive 2026") == 4


def test_criteria_come_from_the_frameworks_and_fall_back_to_free_text(client, world, monkeypatch):
    from plans.criteria import Criterion, FrameworkCriteria

    client.force_login(world.manager)
    groups = [FrameworkCriteria(name="Test scheme", criteria=(Criterion("test:one", "One"),))]
    monkeypatch.setattr("plans.views.personal.framework_criteria", lambda: [])
    page = client.get(_url("plans:personal_plan_new", world)).text
    assert 'name="rows-0-criterion"' not in page
    assert 'name="rows-0-criterion_other"' in page
    monkeypatch.setattr("plans.views.personal.framework_criteria", lambda: groups)
    page = client.get(_url("plans:personal_plan_new", world)).text
    assert '<optgroup label="Test scheme">' in page
    client.post(
        _url("plans:personal_plan_new", world),
        {"title": "P", **_management(1), "rows-0-criterion": "test:one", "rows-0-action": "Do"},
    )
    row = PersonalPlanRow.objects.get()
    assert (row.criterion_ref, row.criterion_title) == ("test:one", "One")
