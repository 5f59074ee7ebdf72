"""The API's feed of the organisation's leave for HR and payroll systems: pages in a stable
order, ``updated_since``, the cursor, the audit and a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.services import api_token_create
from api.tests.helpers import API, assert_problem
from audit.models import Action, AuditEvent, Channel
from leave.services import carers_leave_accept, carers_leave_request, dependants_time_off_record
from organisations.tests.factories import StaffRecordFactory

TODAY = date(2026, 11, 23)
URL = f"{API}/leave/periods"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 09:00Z"):
        yield


def _client(user, organisation) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Payroll", channel=Channel.COMMAND
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def hr_api(world) -> Client:
    return _client(world.hr_admin, world.org)


def _book(world, staff=None, day=date(2026, 12, 14)):
    staff = staff or world.carer_record
    return carers_leave_request(
        staff=staff, days=[(day, "full")], note="", by=staff.user or world.hr_admin, today=TODAY
    )


def _time_off(world, first_day=TODAY):
    return dependants_time_off_record(
        staff=world.carer_record,
        first_day=first_day,
        days=Decimal("1"),
        note="",
        by=world.carer,
        today=first_day,
    )


def test_hr_system_reads_every_period_with_its_kind_oldest_change_first(hr_api, world):
    leave = _book(world)
    with time_machine.travel("2026-11-23 10:00Z"):
        time_off = _time_off(world)
    response = hr_api.get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["reference"] for item in body["items"]] == [f"CL-{leave.pk}", f"TD-{time_off.pk}"]
    first = body["items"][0]
    assert first["staff_number"] == "C001"
    assert first["kind"] == "carers_leave"
    assert first["parts"] == [{"day": "2026-12-14", "part": "full"}]
    assert first["status"] == "requested"
    assert body["items"][1]["kind"] == "dependants_time_off"
    assert body["next_cursor"] is None
    read = AuditEvent.objects.filter(action=Action.EXPORT, actor=world.hr_admin)
    assert read.filter(object_type="organisations.organisation").count() == 1
    assert set(
        read.exclude(object_type="organisations.organisation").values_list(
            "object_type", "object_id"
        )
    ) == {
        ("leave.carersleaverequest", str(leave.pk)),
        ("leave.dependantstimeoff", str(time_off.pk)),
    }


def test_pages_follow_the_cursor_without_repeating_or_missing_a_row(hr_api, world):
    made = []
    for n in range(5):
        with time_machine.travel(f"2026-11-23 10:0{n}Z"):
            made.append(_book(world, day=date(2026, 12, 14) + timedelta(days=n)).pk)
    with time_machine.travel("2026-11-23 10:09Z"):
        _time_off(world)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = hr_api.get(URL, params).json()
        seen += [item["reference"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen[:5] == [f"CL-{pk}" for pk in made]
    assert len(seen) == len(set(seen)) == 6


def test_updated_since_gives_only_what_changed_since(hr_api, world):
    old = _book(world)
    _book(world, day=date(2026, 12, 21))
    with time_machine.travel("2026-11-25 09:00Z"):
        carers_leave_accept(request=old, by=world.manager)
    body = hr_api.get(URL, {"updated_since": "2026-11-24T00:00:00+00:00"}).json()
    assert [(item["reference"], item["status"]) for item in body["items"]] == [
        (f"CL-{old.pk}", "accepted")
    ]


def test_updated_since_without_a_time_zone_is_refused(hr_api, world):
    assert_problem(
        hr_api.get(URL, {"updated_since": "2026-11-24T00:00:00"}), 422, "invalid_request"
    )


def test_a_cursor_the_service_did_not_give_is_refused(hr_api, world):
    assert_problem(hr_api.get(URL, {"cursor": "made-up"}), 422, "invalid_cursor")


def test_another_organisations_leave_is_never_listed(world):
    _book(world)
    assert _client(world.outsider, world.other_org).get(URL).json()["items"] == []


def test_a_leavers_token_stops_working(world):
    client = _client(world.leaver, world.org)
    _book(world)
    assert_problem(client.get(URL), 401, "not_authenticated")


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
def test_only_hr_tokens_read_the_feed(world, persona):
    assert_problem(_client(getattr(world, persona), world.org).get(URL), 403, "forbidden")


def test_query_count_is_the_same_for_few_rows_and_many(hr_api, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert hr_api.get(URL).status_code == 200
        return len(captured)

    _book(world)
    _time_off(world)
    queries()  # the token's first use of the day is noted once
    few = queries()
    for n in range(6):
        person = StaffRecordFactory.create(
            organisation=world.org, staff_number=f"P{n}", line_manager=world.manager_record
        )
        _book(world, staff=person)
    for n in range(3):
        _time_off(world, first_day=TODAY - timedelta(days=n + 1))
    assert queries() == few
