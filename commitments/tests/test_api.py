from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import User
from api.services import api_token_create
from api.tests.helpers import API, assert_problem
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from commitments.models import CommitmentVersion, VersionStatus
from commitments.tests.helpers import adopted, published, signed
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _api(user: User, organisation: Organisation) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.COMMAND
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _json(client: Client, method: str, path: str, body: dict[str, object]) -> object:
    return client.generic(method, API + path, json.dumps(body), content_type="application/json")


def test_every_member_reads_the_published_commitment(world: World) -> None:
    version = published(world)
    response = _api(world.carer, world.org).get(f"{API}/commitments/published")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1
    assert body["signed_by_name"] == "Sam Sponsor"
    assert body["signed_by_role"] == "Chief People Officer"
    assert version.signed_on is not None
    assert body["signed_on"] == version.signed_on.isoformat()
    assert body["text"].startswith("# Our commitment")


def test_no_published_commitment_is_a_404_with_its_own_code(world: World) -> None:
    signed(world)
    response = _api(world.carer, world.org).get(f"{API}/commitments/published")
    assert_problem(response, 404, "no_published_commitment")


def test_hr_and_the_sponsor_list_every_version(world: World) -> None:
    published(world)
    for user in (world.hr_admin, world.sponsor):
        response = _api(user, world.org).get(f"{API}/commitments/versions")
        assert response.status_code == 200
        assert [v["status"] for v in response.json()["items"]] == ["published"]


def test_staff_cannot_read_versions(world: World) -> None:
    adopted(world)
    response = _api(world.carer, world.org).get(f"{API}/commitments/versions/1")
    assert_problem(response, 403, "forbidden")


def test_hr_starts_the_commitment_from_the_template_then_edits_it(world: World) -> None:
    client = _api(world.hr_admin, world.org)
    created = _json(client, "POST", "/commitments/drafts", {})
    assert created.status_code == 201  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert body["number"] == 1
    assert body["status"] == "draft"
    assert "Home Trust" in body["text"]
    changed = _json(
        client, "PATCH", "/commitments/versions/1", {"text": "Our words", "revision": 1}
    )
    assert changed.status_code == 200  # type: ignore[attr-defined]
    assert changed.json()["revision"] == 2  # type: ignore[attr-defined]
    event = AuditEvent.objects.filter(summary="Changed draft version 1").get()
    assert event.channel == Channel.API


def test_a_stale_revision_is_a_409_and_saves_nothing(world: World) -> None:
    adopted(world)
    client = _api(world.hr_admin, world.org)
    _json(client, "PATCH", "/commitments/versions/1", {"text": "First", "revision": 1})
    response = _json(client, "PATCH", "/commitments/versions/1", {"text": "Second", "revision": 1})
    assert_problem(response, 409, "edit_conflict")  # type: ignore[arg-type]
    assert CommitmentVersion.objects.get().text == "First\n"


def test_a_signed_version_cannot_be_changed(world: World) -> None:
    signed(world)
    response = _json(
        _api(world.hr_admin, world.org), "PATCH", "/commitments/versions/1", {"text": "No"}
    )
    assert_problem(response, 422, "invalid_data")  # type: ignore[arg-type]


def test_a_second_draft_while_one_is_open_is_refused(world: World) -> None:
    adopted(world)
    response = _json(_api(world.hr_admin, world.org), "POST", "/commitments/drafts", {})
    assert_problem(response, 422, "invalid_data")  # type: ignore[arg-type]


def test_a_new_draft_with_text_after_publishing(world: World) -> None:
    published(world)
    response = _json(
        _api(world.org_admin, world.org), "POST", "/commitments/drafts", {"text": "Version two"}
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert CommitmentVersion.objects.get(number=2).status == VersionStatus.DRAFT


def test_the_sponsor_cannot_write_drafts(world: World) -> None:
    response = _json(_api(world.sponsor, world.org), "POST", "/commitments/drafts", {})
    assert_problem(response, 403, "forbidden")  # type: ignore[arg-type]


def test_another_organisations_token_sees_only_its_own(world: World) -> None:
    published(world)
    client = _api(world.outsider, world.other_org)
    assert_problem(client.get(f"{API}/commitments/published"), 404, "no_published_commitment")
    assert_problem(client.get(f"{API}/commitments/versions/1"), 404, "not_found")
    assert client.get(f"{API}/commitments/versions").json()["items"] == []
