"""Staff records through the API: list, read, create, change, mark left; one organisation only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.tests.helpers import API, assert_problem
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from organisations.models import StaffRecord, StaffStatus, Unit
from organisations.tests.factories import StaffRecordFactory, UnitFactory

NEW_STAFF = {
    "staff_number": "N100",
    "first_name": "Nadia",
    "last_name": "Hussain",
    "work_email": "nadia.hussain@example.org",
    "days_per_week": "4.0",
    "hours_per_week": "30.00",
    "start_date": "2024-09-02",
}


def _post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(API + path, data, content_type="application/json")


def _patch(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.patch(API + path, data, content_type="application/json")


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def _unit(world: World) -> Unit:
    return Unit.objects.get(organisation=world.org, code="WARD1")


def _other_unit(world: World) -> Unit:
    return Unit.objects.get(organisation=world.other_org)


def _snapshot(record: StaffRecord) -> dict[str, Any]:
    fresh = StaffRecord.objects.get(pk=record.pk)
    return {f.attname: getattr(fresh, f.attname) for f in StaffRecord._meta.concrete_fields}


# Listing


def test_staff_list_shows_only_the_token_organisations_records(
    hr_api: Client, world: World
) -> None:
    ids = _ids(hr_api.get(f"{API}/staff"))

    assert set(ids) == set(
        StaffRecord.objects.filter(organisation=world.org).values_list("pk", flat=True)
    )
    assert world.outsider_record.pk not in ids


def test_staff_list_never_shows_another_organisations_records_even_when_searched_for(
    hr_api: Client, world: World
) -> None:
    StaffRecord.objects.filter(pk=world.outsider_record.pk).update(
        first_name="Ottoline", work_email="ottoline@other.example.org"
    )

    # Both organisations have a C001; only ours may come back.
    assert _ids(hr_api.get(f"{API}/staff", {"q": "C001"})) == [world.carer_record.pk]
    assert _ids(hr_api.get(f"{API}/staff", {"q": "ottoline@other.example.org"})) == []
    assert _ids(hr_api.get(f"{API}/staff", {"q": "Ottoline"})) == []
    assert _ids(hr_api.get(f"{API}/staff", {"unit_id": _other_unit(world).pk})) == []


def test_staff_list_item_has_the_documented_fields(hr_api: Client, world: World) -> None:
    record = world.carer_record
    [item] = hr_api.get(f"{API}/staff", {"q": "C001"}).json()["items"]

    assert item == {
        "id": record.pk,
        "staff_number": "C001",
        "first_name": record.first_name,
        "last_name": record.last_name,
        "work_email": record.work_email,
        "unit_id": _unit(world).pk,
        "line_manager_id": world.manager_record.pk,
        "days_per_week": "5.0",
        "hours_per_week": "37.50",
        "working_days": ["mon", "tue", "wed", "thu", "fri"],
        "works_bank_holidays": "default",
        "start_date": None,
        "status": "active",
        "left_on": None,
        "version": 1,
    }


def test_staff_list_is_paginated_with_a_total_count(hr_api: Client, world: World) -> None:
    StaffRecordFactory.create_batch(6, organisation=world.org)
    total = StaffRecord.objects.filter(organisation=world.org).count()

    first = hr_api.get(f"{API}/staff", {"page_size": 4}).json()
    last = hr_api.get(f"{API}/staff", {"page_size": 4, "page": 3}).json()
    seen = {
        row["id"]
        for page in (1, 2, 3)
        for row in hr_api.get(f"{API}/staff", {"page_size": 4, "page": page}).json()["items"]
    }

    assert first["count"] == total == 10
    assert len(first["items"]) == 4
    assert len(last["items"]) == 2
    assert len(seen) == total


def test_staff_list_page_size_is_capped_at_500(hr_api: Client, world: World) -> None:
    StaffRecord.objects.bulk_create(
        StaffRecordFactory.build(organisation=world.org, staff_number=f"B{n:04d}")
        for n in range(520)
    )

    page = hr_api.get(f"{API}/staff", {"page_size": 10_000}).json()

    assert page["count"] == 524  # the 520 and the world's four
    assert len(page["items"]) == 500


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page": "two"}])
def test_staff_list_with_bad_paging_is_422_invalid_request(
    hr_api: Client, world: World, params: dict[str, Any]
) -> None:
    assert_problem(hr_api.get(f"{API}/staff", params), 422, "invalid_request")


def test_staff_list_filters_by_name_number_or_email(hr_api: Client, world: World) -> None:
    StaffRecordFactory.create(organisation=world.org, first_name="Zara", last_name="Quinton")
    zara = StaffRecord.objects.get(first_name="Zara")

    assert _ids(hr_api.get(f"{API}/staff", {"q": "zar"})) == [zara.pk]
    assert _ids(hr_api.get(f"{API}/staff", {"q": "Zara Quin"})) == [zara.pk]
    assert _ids(hr_api.get(f"{API}/staff", {"q": zara.staff_number})) == [zara.pk]
    assert _ids(hr_api.get(f"{API}/staff", {"q": zara.work_email.upper()})) == [zara.pk]
    assert _ids(hr_api.get(f"{API}/staff", {"q": "nobody-called-this"})) == []


def test_staff_list_filters_by_unit(hr_api: Client, world: World) -> None:
    theatre = UnitFactory.create(organisation=world.org, code="THEATRE")
    in_theatre = StaffRecordFactory.create(organisation=world.org, unit=theatre)

    assert _ids(hr_api.get(f"{API}/staff", {"unit_id": theatre.pk})) == [in_theatre.pk]
    # The carer, the manager, M002 and the leaver.
    assert len(_ids(hr_api.get(f"{API}/staff", {"unit_id": _unit(world).pk}))) == 4


def test_staff_list_filters_by_status(hr_api: Client, world: World) -> None:
    gone = StaffRecordFactory.create(organisation=world.org, status=StaffStatus.LEFT)

    left = _ids(hr_api.get(f"{API}/staff", {"status": "left"}))
    assert sorted(left) == sorted([gone.pk, world.leaver_record.pk])
    assert gone.pk not in _ids(hr_api.get(f"{API}/staff", {"status": "active"}))
    assert gone.pk in _ids(hr_api.get(f"{API}/staff"))


def test_staff_list_with_an_unknown_status_is_422_invalid_request(
    hr_api: Client, world: World
) -> None:
    body = assert_problem(hr_api.get(f"{API}/staff", {"status": "retired"}), 422, "invalid_request")
    assert [error["field"] for error in body["errors"]] == ["query.status"]


def _count_list_queries(client: Client) -> int:
    client.get(f"{API}/organisation")  # so the token's last-used stamp is not in the count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/staff", {"page_size": 100})
    assert response.status_code == 200
    return len(queries)


def test_staff_list_takes_the_same_number_of_queries_for_5_or_50_records(
    hr_api: Client, world: World
) -> None:
    managers = StaffRecordFactory.create_batch(2, organisation=world.org, unit=_unit(world))
    StaffRecordFactory.create_batch(2, organisation=world.org, line_manager=managers[0])
    few = _count_list_queries(hr_api)

    StaffRecordFactory.create_batch(
        45, organisation=world.org, unit=_unit(world), line_manager=managers[1]
    )
    many = _count_list_queries(hr_api)

    assert StaffRecord.objects.filter(organisation=world.org).count() == 53
    assert many == few
    assert few <= 4  # token, roles, count, page


# Reading one


def test_staff_record_can_be_read_by_id(hr_api: Client, world: World) -> None:
    response = hr_api.get(f"{API}/staff/{world.carer_record.pk}")

    assert response.status_code == 200
    assert response.json()["staff_number"] == "C001"


def test_another_organisations_staff_record_is_404_not_found(hr_api: Client, world: World) -> None:
    assert_problem(hr_api.get(f"{API}/staff/{world.outsider_record.pk}"), 404, "not_found")


def test_unknown_staff_id_is_404_not_found(hr_api: Client, world: World) -> None:
    assert_problem(hr_api.get(f"{API}/staff/999999"), 404, "not_found")


# Creating


def test_creating_a_staff_record_returns_201_and_writes_an_api_audit_event(
    hr_api: Client, world: World
) -> None:
    payload = {
        **NEW_STAFF,
        "unit_id": _unit(world).pk,
        "line_manager_id": world.manager_record.pk,
    }
    response = _post(hr_api, "/staff", payload)

    assert response.status_code == 201, response.content
    record = StaffRecord.objects.get(organisation=world.org, staff_number="N100")
    assert response.json()["id"] == record.pk
    assert response.json()["version"] == 1
    assert (record.first_name, record.last_name) == ("Nadia", "Hussain")
    assert record.unit == _unit(world)
    assert record.line_manager == world.manager_record
    assert record.days_per_week == Decimal("4.0")
    assert record.start_date == date(2024, 9, 2)
    event = AuditEvent.objects.get(object_type="organisations.staffrecord", object_id=record.pk)
    assert event.channel == Channel.API
    assert event.actor == world.hr_admin
    assert event.organisation_id == world.org.pk


def test_staff_number_used_by_another_organisation_is_free_to_use(
    hr_api: Client, world: World
) -> None:
    StaffRecordFactory.create(organisation=world.other_org, staff_number="X900")

    assert _post(hr_api, "/staff", {**NEW_STAFF, "staff_number": "X900"}).status_code == 201


def test_creating_with_a_duplicate_staff_number_is_422_not_500(
    hr_api: Client, world: World
) -> None:
    body = assert_problem(
        _post(hr_api, "/staff", {**NEW_STAFF, "staff_number": "C001"}), 422, "invalid_data"
    )

    assert body["errors"]
    assert StaffRecord.objects.filter(organisation=world.org, staff_number="C001").count() == 1


def test_duplicate_staff_number_slipping_past_validation_in_a_race_is_409_not_500(
    hr_api: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for another request saving the same number between our check and our insert.
    monkeypatch.setattr(StaffRecord, "validate_constraints", lambda self, exclude=None: None)

    response = _post(hr_api, "/staff", {**NEW_STAFF, "staff_number": "C001"})

    assert_problem(response, 409, "conflict")
    assert StaffRecord.objects.filter(organisation=world.org, staff_number="C001").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"staff_number": ""}, "body.payload.staff_number"),
        ({"first_name": None}, "body.payload.first_name"),
        ({"days_per_week": "lots"}, "body.payload.days_per_week"),
        ({"start_date": "2024-02-30"}, "body.payload.start_date"),
        ({"unit_id": "ward"}, "body.payload.unit_id"),
    ],
)
def test_creating_with_a_malformed_field_is_422_invalid_request(
    hr_api: Client, world: World, change: dict[str, Any], field: str
) -> None:
    body = assert_problem(_post(hr_api, "/staff", {**NEW_STAFF, **change}), 422, "invalid_request")

    assert field in [error["field"] for error in body["errors"]]
    assert all(error["message"] for error in body["errors"])
    assert not StaffRecord.objects.filter(staff_number="N100").exists()


def test_creating_without_required_fields_lists_every_missing_field(
    hr_api: Client, world: World
) -> None:
    body = assert_problem(_post(hr_api, "/staff", {}), 422, "invalid_request")

    assert {error["field"] for error in body["errors"]} == {
        "body.payload.staff_number",
        "body.payload.first_name",
        "body.payload.last_name",
    }


def test_creating_with_a_body_that_is_not_json_is_400_invalid_request(
    hr_api: Client, world: World
) -> None:
    response = hr_api.post(f"{API}/staff", "{not json", content_type="application/json")

    assert_problem(response, 400, "invalid_request")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"work_email": "not-an-email"}, "work_email"),
        ({"days_per_week": "9"}, "days_per_week"),
        ({"hours_per_week": "0"}, "hours_per_week"),
    ],
)
def test_creating_with_values_the_record_refuses_is_422_invalid_data(
    hr_api: Client, world: World, change: dict[str, Any], field: str
) -> None:
    body = assert_problem(_post(hr_api, "/staff", {**NEW_STAFF, **change}), 422, "invalid_data")

    assert field in [error["field"] for error in body["errors"]]
    assert not StaffRecord.objects.filter(staff_number="N100").exists()


def test_creating_with_another_organisations_unit_is_404_and_creates_nothing(
    hr_api: Client, world: World
) -> None:
    response = _post(hr_api, "/staff", {**NEW_STAFF, "unit_id": _other_unit(world).pk})

    assert_problem(response, 404, "not_found")
    assert not StaffRecord.objects.filter(staff_number="N100").exists()


def test_creating_with_another_organisations_line_manager_is_404_and_creates_nothing(
    hr_api: Client, world: World
) -> None:
    response = _post(hr_api, "/staff", {**NEW_STAFF, "line_manager_id": world.outsider_record.pk})

    assert_problem(response, 404, "not_found")
    assert not StaffRecord.objects.filter(staff_number="N100").exists()


# Changing


def test_patch_changes_only_the_fields_sent_and_bumps_the_version(
    hr_api: Client, world: World
) -> None:
    record = world.carer_record
    response = _patch(hr_api, f"/staff/{record.pk}", {"last_name": "Okafor", "version": 1})

    assert response.status_code == 200, response.content
    assert response.json()["last_name"] == "Okafor"
    assert response.json()["version"] == 2
    record.refresh_from_db()
    assert record.last_name == "Okafor"
    assert record.first_name == world.carer_record.first_name
    assert record.line_manager == world.manager_record
    event = AuditEvent.objects.get(
        object_type="organisations.staffrecord", object_id=record.pk, action="update"
    )
    assert event.channel == Channel.API
    assert event.changes["last_name"][1] == "Okafor"


def test_patch_without_a_version_is_applied(hr_api: Client, world: World) -> None:
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"hours_per_week": "22.5"})

    assert response.status_code == 200
    assert response.json()["hours_per_week"] == "22.50"


def test_patch_that_changes_nothing_keeps_the_version_and_writes_no_audit_event(
    hr_api: Client, world: World
) -> None:
    record = world.carer_record
    response = _patch(hr_api, f"/staff/{record.pk}", {"first_name": record.first_name})

    assert response.json()["version"] == 1
    assert not AuditEvent.objects.filter(object_id=record.pk, action="update").exists()


def test_patch_with_null_clears_the_unit_and_line_manager(hr_api: Client, world: World) -> None:
    record = world.carer_record
    response = _patch(hr_api, f"/staff/{record.pk}", {"unit_id": None, "line_manager_id": None})

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.unit is None
    assert record.line_manager is None


def test_patch_moves_someone_to_a_new_line_manager(hr_api: Client, world: World) -> None:
    new_manager = StaffRecord.objects.get(user=world.new_manager)
    response = _patch(
        hr_api, f"/staff/{world.carer_record.pk}", {"line_manager_id": new_manager.pk}
    )

    assert response.status_code == 200
    assert response.json()["line_manager_id"] == new_manager.pk


def test_patch_with_a_stale_version_is_409_edit_conflict_and_changes_nothing(
    hr_api: Client, world: World
) -> None:
    record = world.carer_record
    assert _patch(hr_api, f"/staff/{record.pk}", {"first_name": "Ada"}).status_code == 200
    before = _snapshot(record)

    response = _patch(hr_api, f"/staff/{record.pk}", {"first_name": "Grace", "version": 1})

    assert_problem(response, 409, "edit_conflict")
    assert _snapshot(record) == before


def test_patch_with_a_duplicate_staff_number_is_422_not_500(hr_api: Client, world: World) -> None:
    before = _snapshot(world.carer_record)
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"staff_number": "M001"})

    assert_problem(response, 422, "invalid_data")
    assert _snapshot(world.carer_record) == before


def test_patch_that_would_make_a_line_management_loop_is_422(hr_api: Client, world: World) -> None:
    # The carer reports to the manager; making the manager report to the carer closes a loop.
    manager = world.manager_record
    before = _snapshot(manager)
    response = _patch(hr_api, f"/staff/{manager.pk}", {"line_manager_id": world.carer_record.pk})

    body = assert_problem(response, 422, "invalid_data")
    assert [error["field"] for error in body["errors"]] == ["line_manager"]
    assert _snapshot(manager) == before


def test_patch_making_someone_their_own_line_manager_is_422(hr_api: Client, world: World) -> None:
    record = world.carer_record
    response = _patch(hr_api, f"/staff/{record.pk}", {"line_manager_id": record.pk})

    assert_problem(response, 422, "invalid_data")


def test_patch_with_a_malformed_field_is_422_invalid_request(hr_api: Client, world: World) -> None:
    before = _snapshot(world.carer_record)
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"start_date": "soon"})

    body = assert_problem(response, 422, "invalid_request")
    assert [error["field"] for error in body["errors"]] == ["body.payload.start_date"]
    assert _snapshot(world.carer_record) == before


def test_patch_with_null_for_a_required_field_is_422_and_changes_nothing(
    hr_api: Client, world: World
) -> None:
    before = _snapshot(world.carer_record)
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"last_name": None})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert _snapshot(world.carer_record) == before


def test_patch_of_another_organisations_staff_record_is_404_and_changes_nothing(
    hr_api: Client, world: World
) -> None:
    before = _snapshot(world.outsider_record)
    response = _patch(hr_api, f"/staff/{world.outsider_record.pk}", {"first_name": "Mallory"})

    assert_problem(response, 404, "not_found")
    assert _snapshot(world.outsider_record) == before


@pytest.mark.parametrize("field", ["unit_id", "line_manager_id"])
def test_patch_pointing_at_another_organisations_unit_or_manager_is_404_and_changes_nothing(
    hr_api: Client, world: World, field: str
) -> None:
    foreign = {"unit_id": _other_unit(world).pk, "line_manager_id": world.outsider_record.pk}
    before = _snapshot(world.carer_record)

    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {field: foreign[field]})

    assert_problem(response, 404, "not_found")
    assert _snapshot(world.carer_record) == before


# Leaving


def test_marking_someone_as_left_records_the_date_and_an_api_audit_event(
    hr_api: Client, world: World
) -> None:
    record = world.carer_record
    response = _post(hr_api, f"/staff/{record.pk}/leave", {"left_on": "2025-03-31"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "left"
    assert response.json()["left_on"] == "2025-03-31"
    record.refresh_from_db()
    assert record.status == StaffStatus.LEFT
    assert record.left_on == date(2025, 3, 31)
    event = AuditEvent.objects.get(
        object_type="organisations.staffrecord", object_id=record.pk, action="update"
    )
    assert event.channel == Channel.API
    assert event.actor == world.hr_admin


@pytest.mark.parametrize("body", ["", "{}", '{"left_on": null}'])
def test_marking_someone_as_left_without_a_date_uses_today(
    hr_api: Client, world: World, body: str
) -> None:
    path = f"{API}/staff/{world.carer_record.pk}/leave"
    with time_machine.travel(date(2025, 6, 15), tick=False):
        response = hr_api.post(path, body, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["left_on"] == "2025-06-15"


def test_marking_someone_as_left_with_a_malformed_date_is_422_and_changes_nothing(
    hr_api: Client, world: World
) -> None:
    before = _snapshot(world.carer_record)
    response = _post(hr_api, f"/staff/{world.carer_record.pk}/leave", {"left_on": "31/03/2025"})

    assert_problem(response, 422, "invalid_request")
    assert _snapshot(world.carer_record) == before


def test_marking_someone_as_left_twice_changes_nothing_the_second_time(
    hr_api: Client, world: World
) -> None:
    path = f"/staff/{world.carer_record.pk}/leave"
    first = _post(hr_api, path, {"left_on": "2025-03-31"}).json()
    second = _post(hr_api, path, {"left_on": "2025-04-30"})

    assert second.status_code == 200
    assert second.json() == first


def test_marking_another_organisations_staff_as_left_is_404_and_changes_nothing(
    hr_api: Client, world: World
) -> None:
    before = _snapshot(world.outsider_record)
    response = _post(hr_api, f"/staff/{world.outsider_record.pk}/leave", {})

    assert_problem(response, 404, "not_found")
    assert _snapshot(world.outsider_record) == before


@pytest.mark.parametrize(
    ("sent", "stored", "shown"),
    [
        (["sat", "sun"], "67", ["sat", "sun"]),
        (["fri", "mon", "mon"], "15", ["mon", "fri"]),
        ([], "", []),  # an irregular pattern: no fixed days
    ],
)
def test_working_days_are_set_as_weekday_codes(
    hr_api: Client, world: World, sent: list[str], stored: str, shown: list[str]
) -> None:
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"working_days": sent})
    assert response.status_code == 200, response.content
    assert response.json()["working_days"] == shown
    world.carer_record.refresh_from_db()
    assert world.carer_record.working_days == stored


def test_an_unknown_weekday_is_an_invalid_request(hr_api: Client, world: World) -> None:
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"working_days": ["funday"]})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    world.carer_record.refresh_from_db()
    assert world.carer_record.working_days == "12345"
