"""Units through the API: the token's organisation's tree only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api.tests.helpers import API, assert_problem
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from organisations.models import Unit
from organisations.tests.factories import UnitFactory


def _post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(f"{API}/units", data, content_type="application/json")


def _ward(world: World) -> Unit:
    return Unit.objects.get(organisation=world.org, code="WARD1")


def test_unit_list_shows_only_the_token_organisations_units(hr_api: Client, world: World) -> None:
    child = UnitFactory.create(organisation=world.org, code="BAY1", parent=_ward(world))

    page = hr_api.get(f"{API}/units").json()

    assert page["count"] == 2
    assert page["items"] == [
        {"id": child.pk, "code": "BAY1", "name": child.name, "parent_id": _ward(world).pk},
        {"id": _ward(world).pk, "code": "WARD1", "name": "Ward 1", "parent_id": None},
    ]


def test_unit_list_is_paginated(hr_api: Client, world: World) -> None:
    UnitFactory.create_batch(4, organisation=world.org)

    page = hr_api.get(f"{API}/units", {"page_size": 2, "page": 3}).json()

    assert page["count"] == 5
    assert len(page["items"]) == 1


def test_creating_a_unit_returns_201_and_writes_an_api_audit_event(
    hr_api: Client, world: World
) -> None:
    response = _post(hr_api, {"code": " BAY2 ", "name": "Bay 2", "parent_id": _ward(world).pk})

    assert response.status_code == 201, response.content
    unit = Unit.objects.get(organisation=world.org, code="BAY2")
    assert response.json() == {
        "id": unit.pk,
        "code": "BAY2",
        "name": "Bay 2",
        "parent_id": _ward(world).pk,
    }
    event = AuditEvent.objects.get(object_type="organisations.unit", object_id=unit.pk)
    assert event.channel == Channel.API
    assert event.actor == world.hr_admin


def test_creating_a_unit_under_another_organisations_unit_is_404_and_creates_nothing(
    hr_api: Client, world: World
) -> None:
    other = Unit.objects.get(organisation=world.other_org)

    assert_problem(
        _post(hr_api, {"code": "BAY2", "name": "Bay 2", "parent_id": other.pk}), 404, "not_found"
    )
    assert not Unit.objects.filter(code="BAY2").exists()


def test_creating_a_unit_with_a_code_already_used_is_422_invalid_data(
    hr_api: Client, world: World
) -> None:
    body = assert_problem(_post(hr_api, {"code": "WARD1", "name": "Again"}), 422, "invalid_data")

    assert body["errors"]
    assert Unit.objects.filter(organisation=world.org).count() == 1


def test_a_unit_code_used_by_another_organisation_is_free_to_use(
    outsider_api: Client, world: World
) -> None:
    UnitFactory.create(organisation=world.org, code="SHARED")

    assert _post(outsider_api, {"code": "SHARED", "name": "Shared"}).status_code == 201


@pytest.mark.parametrize(
    "payload", [{}, {"code": "", "name": "X"}, {"code": "X" * 41, "name": "X"}]
)
def test_creating_a_malformed_unit_is_422_invalid_request(
    hr_api: Client, world: World, payload: dict[str, Any]
) -> None:
    assert_problem(_post(hr_api, payload), 422, "invalid_request")
    assert Unit.objects.filter(organisation=world.org).count() == 1


def test_another_organisations_token_sees_none_of_our_units(
    outsider_api: Client, world: World
) -> None:
    codes = [unit["name"] for unit in outsider_api.get(f"{API}/units").json()["items"]]

    assert codes == ["Other ward"]
