"""Plans through the API: organisation tokens for the organisation's plans, personal
tokens for a person's own plans."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from api.services import api_token_create
from api.tests.helpers import assert_problem
from audit.models import AuditEvent, Channel
from benchmarks.models import Assessment
from plans.models import ActionPoint, OrgPlan, PersonalPlan, ProgressEntry
from plans.services import (
    ActionInput,
    action_create,
    org_plan_create,
    personal_plan_share,
    progress_add,
)
from plans.tests.helpers import personal_plan, strategy_plan

API = "/api/v1/plans"


def _client(user, organisation, *, personal: bool = False) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="t", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _json(client: Client, method: str, path: str, body: dict[str, Any] | None = None):
    return client.generic(
        method,
        path,
        "{}" if body is None else json.dumps(body),
        content_type="application/json",
    )


def test_hr_builds_a_plan_through_the_api(world):
    hr = _client(world.hr_admin, world.org)
    response = _json(
        hr,
        "POST",
        f"{API}/org",
        {"title": "Strategy", "period_start": "2026-04-01", "period_end": "2027-03-31"},
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["periods"] == ["2026/27"]
    priority = _json(
        hr, "POST", f"{API}/org/{plan['id']}/priorities", {"title": "Peer support"}
    ).json()
    assert priority["number"] == "1"
    action = _json(
        hr,
        "POST",
        f"{API}/org/{plan['id']}/actions",
        {
            "priority_id": priority["id"],
            "planned_action": "Start a carers' network",
            "owner_email": world.champion.email,
            "due_on": "2026-10-01",
            "criterion_ref": "carer-positive:peer-support",
            "criterion_title": "Peer support",
        },
    )
    assert action.status_code == 201, action.content
    body = action.json()
    assert (body["number"], body["owner_email"], body["status"]) == (
        "1.1",
        world.champion.email,
        "open",
    )
    detail = hr.get(f"{API}/org/{plan['id']}").json()
    assert detail["priorities"][0]["actions"][0]["planned_action"] == "Start a carers' network"
    assert AuditEvent.objects.filter(channel="api", object_type="plans.actionpoint").exists()


def test_a_stale_version_is_a_conflict(world):
    plan, action = strategy_plan(world)
    hr = _client(world.hr_admin, world.org)
    url = f"{API}/org/{plan.pk}/actions/{action.pk}"
    ok = _json(hr, "PATCH", url, {"version": action.version, "risks": "New risk"})
    assert ok.status_code == 200
    assert ok.json()["version"] == action.version + 1
    stale = _json(hr, "PATCH", url, {"version": action.version, "risks": "Old copy"})
    assert_problem(stale, 409, "edit_conflict")
    action.refresh_from_db()
    assert action.risks == "New risk"


def test_the_owner_reports_progress_and_others_cannot(world):
    plan, action = strategy_plan(world)
    url = f"{API}/org/{plan.pk}/actions/{action.pk}/progress"
    body = {"period": "2026/27", "rag": "green", "text": "Going well"}
    owner = _client(world.manager, world.org)
    response = _json(owner, "POST", url, body)
    assert response.status_code == 201
    assert response.json()["by"]
    assert_problem(_json(_client(world.sponsor, world.org), "POST", url, body), 403, "forbidden")
    assert_problem(_json(_client(world.carer, world.org), "GET", url), 403, "forbidden")
    assert _client(world.sponsor, world.org).get(url).json()["count"] == 1
    wrong = _json(owner, "POST", url, {**body, "period": "1999/00"})
    assert_problem(wrong, 422, "invalid_data")
    assert ProgressEntry.objects.count() == 1


def test_only_hr_writes_and_role_comes_before_the_body(world):
    plan, _action = strategy_plan(world)
    champion = _client(world.champion, world.org)
    assert_problem(_json(champion, "POST", f"{API}/org", {}), 403, "forbidden")
    assert_problem(_json(champion, "DELETE", f"{API}/org/{plan.pk}"), 403, "forbidden")
    assert champion.get(f"{API}/org/{plan.pk}").status_code == 200


def test_an_employee_sees_only_plans_with_their_actions(world):
    plan, _action = strategy_plan(world)
    listed = _client(world.manager, world.org).get(f"{API}/org").json()
    assert [p["id"] for p in listed["items"]] == [plan.pk]
    assert _client(world.carer, world.org).get(f"{API}/org").json() == {"items": [], "count": 0}
    assert_problem(_client(world.carer, world.org).get(f"{API}/org/{plan.pk}"), 403, "forbidden")


def test_another_organisations_plan_is_not_found(world):
    plan, action = strategy_plan(world)
    outsider = _client(world.outsider, world.other_org)
    assert_problem(outsider.get(f"{API}/org/{plan.pk}"), 404, "not_found")
    assert_problem(
        _json(outsider, "PATCH", f"{API}/org/{plan.pk}/actions/{action.pk}", {"risks": "x"}),
        404,
        "not_found",
    )
    assert outsider.get(f"{API}/org").json() == {"items": [], "count": 0}


def test_a_priority_with_actions_is_not_deleted(world):
    plan, action = strategy_plan(world)
    hr = _client(world.hr_admin, world.org)
    assert_problem(
        _json(hr, "DELETE", f"{API}/org/{plan.pk}/priorities/{action.priority_id}"),
        422,
        "invalid_data",
    )
    assert _json(hr, "DELETE", f"{API}/org/{plan.pk}/actions/{action.pk}").status_code == 204
    assert (
        _json(hr, "DELETE", f"{API}/org/{plan.pk}/priorities/{action.priority_id}").status_code
        == 204
    )
    assert _json(hr, "DELETE", f"{API}/org/{plan.pk}").status_code == 204
    assert not OrgPlan.objects.exists()


def test_personal_plans_need_a_personal_token(world):
    personal_plan(world)
    organisation_token = _client(world.manager, world.org)
    assert_problem(organisation_token.get(f"{API}/personal"), 403, "personal_token_required")
    personal = _client(world.manager, world.org, personal=True)
    assert_problem(personal.get(f"{API}/org"), 403, "organisation_token_required")
    plans = personal.get(f"{API}/personal").json()["items"]
    assert [p["title"] for p in plans] == ["Carer Positive 2026"]
    assert len(plans[0]["rows"]) == 2


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "carer"])
def test_nobody_reads_someone_elses_personal_plan_through_the_api(world, persona):
    plan = personal_plan(world)
    personal_plan_share(plan=plan, email=world.carer.email, by=world.manager)  # even if shared
    client = _client(world.persona(persona), world.org, personal=True)
    assert_problem(client.get(f"{API}/personal/{plan.pk}"), 404, "not_found")
    assert client.get(f"{API}/personal").json() == {"items": [], "count": 0}
    assert_problem(_json(client, "DELETE", f"{API}/personal/{plan.pk}"), 404, "not_found")


def test_the_owner_writes_their_plan_with_a_personal_token(world):
    client = _client(world.carer, world.org, personal=True)
    created = _json(
        client,
        "POST",
        f"{API}/personal",
        {"title": "Mine", "goal": "Be a better manager", "rows": [{"action": "Read the policy"}]},
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    row_id = plan["rows"][0]["id"]
    replaced = _json(
        client,
        "PUT",
        f"{API}/personal/{plan['id']}",
        {
            "version": plan["version"],
            "title": "Mine",
            "rows": [
                {"id": row_id, "action": "Read the policy", "done": True},
                {"action": "Then talk to HR"},
            ],
        },
    )
    assert replaced.status_code == 200
    rows = replaced.json()["rows"]
    assert rows[0]["id"] == row_id
    assert rows[0]["done"] is True
    assert len(rows) == 2
    stale = _json(
        client, "PUT", f"{API}/personal/{plan['id']}", {"version": plan["version"], "title": "Old"}
    )
    assert_problem(stale, 409, "edit_conflict")
    assert _json(client, "DELETE", f"{API}/personal/{plan['id']}").status_code == 204
    assert not PersonalPlan.objects.exists()
    assert not ActionPoint.objects.exists()


def test_replacing_a_personal_plan_needs_the_version(world):
    """Rows left out of a PUT are deleted, so a PUT without the version it was read at
    could silently throw away rows someone added meanwhile (trust rule 8)."""
    plan = personal_plan(world)
    client = _client(world.manager, world.org, personal=True)
    missing = _json(client, "PUT", f"{API}/personal/{plan.pk}", {"title": "Overwrite", "rows": []})
    body = assert_problem(missing, 422, "invalid_request")
    assert "body.payload.version" in [error["field"] for error in body["errors"]]
    stale = _json(
        client,
        "PUT",
        f"{API}/personal/{plan.pk}",
        {"version": plan.version + 1, "title": "Overwrite", "rows": []},
    )
    assert_problem(stale, 409, "edit_conflict")
    plan.refresh_from_db()
    assert (plan.title, plan.rows.count()) == ("Carer Positive 2026", 2)


def test_a_patch_without_a_version_applies_to_what_is_there(world):
    """The API's stated convention for PATCH (docs/api.md, "Concurrent changes")."""
    plan, action = strategy_plan(world)
    hr = _client(world.hr_admin, world.org)
    response = _json(hr, "PATCH", f"{API}/org/{plan.pk}/actions/{action.pk}", {"risks": "New"})
    assert response.status_code == 200
    assert response.json()["version"] == action.version + 1


def _assessment(organisation) -> Assessment:
    return Assessment.objects.create(
        organisation=organisation,
        framework_slug="carer-positive",
        number=1,
        started_by_name="HR",
        framework_data={},
        framework_hash="x",
    )


def test_an_action_cannot_name_another_organisations_assessment(world):
    plan, action = strategy_plan(world)
    theirs, ours = _assessment(world.other_org), _assessment(world.org)
    hr = _client(world.hr_admin, world.org)
    body = {"priority_id": action.priority_id, "planned_action": "From a gap"}
    refused = _json(
        hr, "POST", f"{API}/org/{plan.pk}/actions", {**body, "source_assessment_id": theirs.pk}
    )
    problem = assert_problem(refused, 422, "invalid_data")
    assert [e["field"] for e in problem["errors"]] == ["source_assessment_id"]
    unknown = _json(
        hr, "POST", f"{API}/org/{plan.pk}/actions", {**body, "source_assessment_id": 999_999}
    )
    assert_problem(unknown, 422, "invalid_data")
    assert ActionPoint.objects.count() == 1
    made = _json(
        hr, "POST", f"{API}/org/{plan.pk}/actions", {**body, "source_assessment_id": ours.pk}
    )
    assert made.status_code == 201, made.content
    assert made.json()["source_assessment_id"] == ours.pk


def test_an_action_or_plan_with_progress_is_not_deleted(world):
    plan, action = strategy_plan(world)
    progress_add(action=action, period="2026/27", text="Posters up", rag="green", by=world.hr_admin)
    hr = _client(world.hr_admin, world.org)
    assert_problem(
        _json(hr, "DELETE", f"{API}/org/{plan.pk}/actions/{action.pk}"), 409, "has_progress"
    )
    assert_problem(_json(hr, "DELETE", f"{API}/org/{plan.pk}"), 409, "has_progress")
    assert ActionPoint.objects.filter(pk=action.pk).exists()
    assert ProgressEntry.objects.count() == 1
    # Without progress, deleting is still allowed.
    spare = action_create(
        priority=action.priority, data=ActionInput(planned_action="Spare"), by=world.hr_admin
    )
    assert _json(hr, "DELETE", f"{API}/org/{plan.pk}/actions/{spare.pk}").status_code == 204


def test_every_list_is_paginated(world, django_assert_max_num_queries):
    plan, action = strategy_plan(world)
    for n in range(2):
        org_plan_create(
            organisation=world.org,
            title=f"Plan {n}",
            period_start=date(2025, 4, 1),
            period_end=date(2026, 3, 31),
            by=world.hr_admin,
        )
        action_create(
            priority=action.priority,
            data=ActionInput(planned_action=f"More {n}"),
            by=world.hr_admin,
        )
    for n in range(3):
        progress_add(action=action, period="2026/27", text=f"x{n}", rag="red", by=world.hr_admin)
        personal_plan(world)
    hr = _client(world.hr_admin, world.org)
    mine = _client(world.manager, world.org, personal=True)
    for client, path in [
        (hr, f"{API}/org"),
        (hr, f"{API}/org/{plan.pk}/actions"),
        (hr, f"{API}/org/{plan.pk}/actions/{action.pk}/progress"),
        (mine, f"{API}/personal"),
    ]:
        first = client.get(path, {"page_size": 2}).json()
        second = client.get(path, {"page_size": 2, "page": 2}).json()
        assert (first["count"], len(first["items"]), len(second["items"])) == (3, 2, 1), path
        assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    with django_assert_max_num_queries(6):  # rows and shares prefetched, however many plans
        assert len(mine.get(f"{API}/personal").json()["items"]) == 3
