"""A request body is a JSON object; anything else is refused before it reaches a route."""

from __future__ import annotations

import pytest
from django.test import Client

from api.tests.helpers import API, assert_problem
from carershub.tests.personas import World
from organisations.models import StaffRecord, Unit


@pytest.mark.parametrize(
    "body",
    ['"AAA"', "[null, null]", '["code", "name"]', "5", "true", '{"code": "X", "name": NaN}'],
)
def test_a_body_that_is_not_a_json_object_is_refused(hr_api: Client, world: World, body: str):
    units = Unit.objects.count()

    response = hr_api.post(f"{API}/units", body, content_type="application/json")

    assert_problem(response, 400, "invalid_request")
    assert Unit.objects.count() == units


def test_a_string_body_no_longer_changes_a_record_through_its_attributes(
    hr_api: Client, world: World
) -> None:
    # A string was read attribute by attribute: "AAA".title() made a title of "Aaa".
    record = world.carer_record

    response = hr_api.patch(
        f"{API}/staff/{record.pk}", '"first_name"', content_type="application/json"
    )

    assert_problem(response, 400, "invalid_request")
    assert StaffRecord.objects.get(pk=record.pk).version == record.version


def test_null_still_means_no_body_where_the_body_may_be_left_out(
    hr_api: Client, world: World
) -> None:
    response = hr_api.post(
        f"{API}/staff/{world.carer_record.pk}/leave", "null", content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "left"
