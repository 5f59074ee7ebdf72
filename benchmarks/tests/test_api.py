"""Frameworks and self-assessments through the API, scoped to the token's organisation."""

from __future__ import annotations

import json

import pytest

from api.services import api_token_create
from api.tests.helpers import API, assert_problem
from audit.models import AuditEvent, Channel
from benchmarks.models import Assessment, AssessmentStatus
from benchmarks.services import assessment_start
from benchmarks.tests.helpers import meet, signed_off, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def call(client, user, organisation, method, path, body=None):
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="t", channel=Channel.WEB
    )
    return client.generic(
        method,
        f"{API}/benchmarks{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_frameworks_list_and_detail(client, world):
    listed = call(client, world.sponsor, world.org, "GET", "/frameworks").json()
    assert [f["slug"] for f in listed] == ["carer-confident", "carer-positive", "efc-action-list"]
    assert [lv["name"] for lv in listed[1]["levels"]] == ["Engaged", "Established", "Exemplary"]
    detail = call(client, world.hr_admin, world.org, "GET", "/frameworks/carer-positive").json()
    assert detail["kind"] == "levelled"
    assert detail["criteria"][0]["title"] == "Identification of carers"
    assert detail["criteria"][0]["requirements"][1]["measures"] == [
        "self_identification_route",
        "carers_declared",
    ]
    assert_problem(
        call(client, world.hr_admin, world.org, "GET", "/frameworks/nope"), 404, "not_found"
    )


def test_staff_without_a_benchmark_role_are_refused(client, world):
    assert_problem(call(client, world.carer, world.org, "GET", "/frameworks"), 403, "forbidden")
    assert_problem(
        call(
            client,
            world.sponsor,
            world.org,
            "POST",
            "/assessments",
            {"framework": "carer-positive"},
        ),
        403,
        "forbidden",
    )


def test_create_read_update_and_sign_off(client, world):
    created = call(
        client, world.hr_admin, world.org, "POST", "/assessments", {"framework": "carer-positive"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["status"], body["level"], body["next_level"]) == (
        1,
        "draft",
        None,
        "engaged",
    )
    assert len(body["gaps"]) == 9
    assert {m["name"] for m in body["measurements"]} >= {"carers_declared", "passports_agreed"}
    pk = body["id"]

    patched = call(
        client,
        world.hr_admin,
        world.org,
        "PATCH",
        f"/assessments/{pk}/criteria/identification",
        {
            "version": 0,
            "answers": {
                "identification-definition": {"status": "met", "notes": "Policy page 2"},
                "identification-route": {"status": "partly"},
            },
            "narrative": "Staff tell us through the hub.",
            "links": [{"url": "https://example.org/carers", "title": "Carers page"}],
        },
    )
    assert patched.status_code == 200, patched.content
    criterion = patched.json()["criteria"][0]
    assert criterion["version"] == 1
    assert criterion["missing"] == ["identification-route"]
    assert criterion["progress"] == {"met": 1, "partly": 1, "total": 2}
    assert criterion["answers"][0] == {
        "requirement": "identification-definition",
        "status": "met",
        "notes": "Policy page 2",
    }
    assert criterion["links"] == [{"url": "https://example.org/carers", "title": "Carers page"}]

    # The same old version again is a clash, and nothing changes.
    stale = call(
        client,
        world.org_admin,
        world.org,
        "PATCH",
        f"/assessments/{pk}/criteria/identification",
        {"version": 0, "narrative": "Overwritten?"},
    )
    assert_problem(stale, 409, "edit_conflict")

    done = call(
        client,
        world.hr_admin,
        world.org,
        "POST",
        f"/assessments/{pk}/sign-off",
        {"role": "HR Director"},
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["signed_off_role"]) == ("signed_off", "HR Director")
    assert AuditEvent.objects.filter(object_id=str(pk), channel="api", action="update").count() == 2

    again = call(
        client,
        world.hr_admin,
        world.org,
        "PATCH",
        f"/assessments/{pk}/criteria/policy",
        {"narrative": "x"},
    )
    problem = assert_problem(again, 409, "assessment_signed_off")
    assert (problem["title"], problem["detail"]) == (
        "Not allowed for this assessment",
        "This assessment has been signed off and can no longer be changed.",
    )
    assert_problem(
        call(client, world.hr_admin, world.org, "DELETE", f"/assessments/{pk}"),
        409,
        "assessment_signed_off",
    )

    read = call(client, world.champion, world.org, "GET", f"/assessments/{pk}")
    assert read.status_code == 200
    assert read.json()["criteria"][0]["narrative"] == "Staff tell us through the hub."
    listed = call(client, world.sponsor, world.org, "GET", "/assessments").json()
    assert listed["count"] == 1
    assert [(a["id"], a["status"]) for a in listed["items"]] == [(pk, "signed_off")]


def test_a_new_version_from_a_signed_off_one(client, world):
    done = signed_off(world)
    response = call(
        client,
        world.hr_admin,
        world.org,
        "POST",
        "/assessments",
        {"framework": "carer-positive", "based_on_id": done.pk},
    )
    assert response.status_code == 201
    assert (
        response.json()["number"],
        response.json()["based_on_id"],
        response.json()["level"],
    ) == (2, done.pk, "engaged")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"framework": "gold-standard"}, 422, "unknown_framework"),
        ({"framework": "carer-positive"}, 409, "draft_exists"),
        ({"framework": 3}, 422, "invalid_request"),
    ],
)
def test_refused_creations_have_stable_codes(client, world, body, status, code):
    started(world)
    problem = assert_problem(
        call(client, world.hr_admin, world.org, "POST", "/assessments", body), status, code
    )
    if code != "invalid_request":
        assert problem["title"] == "Not allowed for this assessment"
        assert problem["detail"]


def test_bad_answers_are_invalid_data(client, world):
    assessment = started(world)
    response = call(
        client,
        world.hr_admin,
        world.org,
        "PATCH",
        f"/assessments/{assessment.pk}/criteria/policy",
        {"answers": {"peer-network": {"status": "met"}}},
    )
    body = assert_problem(response, 422, "invalid_data")
    assert body["errors"][0]["field"] == "answers"
    assert_problem(
        call(
            client,
            world.hr_admin,
            world.org,
            "PATCH",
            f"/assessments/{assessment.pk}/criteria/nope",
            {},
        ),
        404,
        "not_found",
    )


def test_a_draft_is_deleted(client, world):
    assessment = started(world)
    response = call(client, world.hr_admin, world.org, "DELETE", f"/assessments/{assessment.pk}")
    assert response.status_code == 204
    assert not Assessment.objects.exists()


def test_another_organisations_assessment_is_not_found(client, world):
    theirs = assessment_start(
        organisation=world.other_org, framework_slug="carer-positive", by=world.outsider
    )
    for method, path, body in (
        ("GET", f"/assessments/{theirs.pk}", None),
        ("PATCH", f"/assessments/{theirs.pk}/criteria/policy", {"narrative": "x"}),
        ("POST", f"/assessments/{theirs.pk}/sign-off", {}),
        ("DELETE", f"/assessments/{theirs.pk}", None),
        ("POST", "/assessments", {"framework": "carer-confident", "based_on_id": theirs.pk}),
    ):
        assert_problem(
            call(client, world.hr_admin, world.org, method, path, body), 404, "not_found"
        )
    assert call(client, world.hr_admin, world.org, "GET", "/assessments").json() == {
        "items": [],
        "count": 0,
    }
    theirs.refresh_from_db()
    assert theirs.status == AssessmentStatus.DRAFT


def test_sign_off_without_a_body(client, world):
    assessment = started(world, "efc-action-list")
    meet(world, assessment, up_to="done")
    response = call(
        client, world.hr_admin, world.org, "POST", f"/assessments/{assessment.pk}/sign-off"
    )
    assert response.status_code == 200, response.content
    assert response.json()["overall_level"] == "done"
    assert response.json()["checklist"] == {"met": 9, "partly": 0, "total": 9}
    assert response.json()["gaps"] == []


def test_the_assessment_list_is_paginated_in_a_stable_order(
    client, world, django_assert_max_num_queries
):
    done = signed_off(world)
    second = started(world, based_on=done)
    checklist = started(world, "efc-action-list")
    started(world, "carer-confident")
    first = call(client, world.hr_admin, world.org, "GET", "/assessments?page_size=2").json()
    rest = call(client, world.hr_admin, world.org, "GET", "/assessments?page_size=2&page=2").json()
    assert first["count"] == rest["count"] == 4
    ids = [a["id"] for a in first["items"] + rest["items"]]
    # By framework slug, each framework's newest version first.
    assert ids[1:4] == [second.pk, done.pk, checklist.pk]
    assert len(set(ids)) == 4
    beyond = call(client, world.hr_admin, world.org, "GET", "/assessments?page=3&page_size=2")
    assert beyond.json() == {"items": [], "count": 4}
    assert_problem(
        call(client, world.hr_admin, world.org, "GET", "/assessments?page=0"),
        422,
        "invalid_request",
    )
    _token, secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="q", channel=Channel.WEB
    )
    with django_assert_max_num_queries(8):
        client.get(
            f"{API}/benchmarks/assessments",
            headers={"Authorization": f"Bearer {secret}"},
        )


def test_sign_off_with_a_stale_state_is_refused_and_nothing_is_signed(client, world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    read = call(client, world.hr_admin, world.org, "GET", f"/assessments/{assessment.pk}").json()
    # Another admin changes an answer after the signer read the assessment.
    call(
        client,
        world.org_admin,
        world.org,
        "PATCH",
        f"/assessments/{assessment.pk}/criteria/peer-support",
        {"answers": {"peer-network": {"status": "met"}}},
    )
    stale = call(
        client,
        world.hr_admin,
        world.org,
        "POST",
        f"/assessments/{assessment.pk}/sign-off",
        {"state": read["state"]},
    )
    assert_problem(stale, 409, "edit_conflict")
    assessment.refresh_from_db()
    assert assessment.is_draft
    fresh = call(client, world.hr_admin, world.org, "GET", f"/assessments/{assessment.pk}").json()
    assert fresh["state"] != read["state"]
    done = call(
        client,
        world.hr_admin,
        world.org,
        "POST",
        f"/assessments/{assessment.pk}/sign-off",
        {"state": fresh["state"]},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "signed_off"
