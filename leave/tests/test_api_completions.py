"""The rest of the leave API: cancelling carer's leave, time off for dependants, the policy,
and appealing, withdrawing and extending flexible-working requests. Same rules as the pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from api.services import api_token_create
from audit.models import Action, AuditEvent, Channel
from leave.models import DependantsTimeOff, LeavePolicy
from organisations.models import Nation

API = "/api/v1/leave"


@pytest.fixture(autouse=True)
def _on_a_monday():
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), tick=True):
        yield


def _auth(user, org):
    secret = api_token_create(user=user, organisation=org, name="t", channel=Channel.WEB)[1]
    return {"Authorization": f"Bearer {secret}"}


def _post(client, path, headers, body=None):
    return client.post(API + path, body or {}, content_type="application/json", headers=headers)


@pytest.fixture
def carer(world):
    return _auth(world.carer, world.org)


@pytest.fixture
def manager(world):
    return _auth(world.manager, world.org)


# --- Cancelling carer's leave ------------------------------------------------------------


def _ask(client, carer, day="2026-12-14"):
    response = _post(client, "/carers/requests", carer, {"days": [{"day": day}]})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_employee_cancels_through_the_api_and_the_days_return(client, world, carer, manager):
    leave = _ask(client, carer)
    assert _post(client, f"/carers/requests/{leave}/cancel", manager).status_code == 403
    response = _post(client, f"/carers/requests/{leave}/cancel", carer)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = _post(client, f"/carers/requests/{leave}/cancel", carer)
    assert again.status_code == 422
    assert again.json()["code"] == "already_cancelled"
    # The same day can be asked for again.
    _ask(client, carer)
    assert AuditEvent.objects.filter(
        object_type="leave.carersleaverequest", object_id=str(leave), channel=Channel.API
    ).exists()


def test_leave_that_has_started_cannot_be_cancelled(client, world, carer):
    leave = _ask(client, carer, "2026-11-30")
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)):
        response = _post(client, f"/carers/requests/{leave}/cancel", carer)
    assert response.status_code == 422
    assert response.json()["code"] == "already_started"


# --- Time off for dependants -------------------------------------------------------------


def test_the_employee_records_time_off_and_lists_it(client, world, carer):
    response = _post(
        client,
        "/dependants",
        carer,
        {"first_day": "2026-11-20", "days": "1.5", "note": "Nursery shut"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["staff_id"] == world.carer_record.pk
    assert body["days"] == "1.5"
    assert body["recorded_by_self"] is True
    listed = client.get(API + "/dependants", headers=carer).json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert AuditEvent.objects.filter(
        object_type="leave.dependantstimeoff", action=Action.CREATE, channel=Channel.API
    ).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"first_day": "2026-12-01", "days": "1"}, 422, "not_an_emergency"),  # eight days ahead
        ({"first_day": "2026-11-30", "days": "1"}, 201, None),  # seven days ahead
        ({"first_day": "2026-11-23", "days": "0.4"}, 422, "invalid_request"),
        ({"first_day": "2026-11-23", "days": "31"}, 422, "invalid_request"),
        ({"first_day": "2026-11-23", "days": "1.25"}, 422, "invalid_request"),
    ],
)
def test_time_off_for_dependants_edges(client, world, carer, body, status, code):
    response = _post(client, "/dependants", carer, body)
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
        assert not DependantsTimeOff.objects.exists()


def test_the_line_manager_records_for_a_report_and_reads_their_records_audited(
    client, world, manager
):
    staff_id = world.carer_record.pk
    response = _post(
        client,
        "/dependants",
        manager,
        {"staff_id": staff_id, "first_day": "2026-11-23", "days": "1"},
    )
    assert response.status_code == 201
    assert response.json()["recorded_by_self"] is False
    listed = client.get(API + "/dependants", {"staff_id": staff_id}, headers=manager)
    assert listed.status_code == 200
    assert len(listed.json()) == 1
    assert AuditEvent.objects.filter(
        object_type="leave.dependantstimeoff",
        action=Action.VIEW,
        channel=Channel.API,
        actor=world.manager,
    ).exists()


def test_hr_reads_but_does_not_record_and_colleagues_do_neither(client, world):
    staff_id = world.carer_record.pk
    hr = _auth(world.hr_admin, world.org)
    body = {"staff_id": staff_id, "first_day": "2026-11-23", "days": "1"}
    assert _post(client, "/dependants", hr, body).status_code == 403
    assert client.get(API + "/dependants", {"staff_id": staff_id}, headers=hr).status_code == 200
    champion = _auth(world.champion, world.org)
    assert (
        client.get(API + "/dependants", {"staff_id": staff_id}, headers=champion).status_code == 403
    )
    assert _post(client, "/dependants", champion, body).status_code == 403


def test_another_organisations_staff_id_is_not_found(client, world):
    outsider = _auth(world.outsider, world.other_org)
    staff_id = world.carer_record.pk
    assert (
        client.get(API + "/dependants", {"staff_id": staff_id}, headers=outsider).status_code == 404
    )
    body = {"staff_id": staff_id, "first_day": "2026-11-23", "days": "1"}
    assert _post(client, "/dependants", outsider, body).status_code == 404


# --- The leave policy --------------------------------------------------------------------


def test_any_member_reads_the_policy_with_the_statutory_rule_in_force(client, world, carer):
    response = client.get(API + "/policy", headers=carer)
    assert response.status_code == 200
    assert response.json() == {
        "nation": world.org.nation,
        "statutory_carers_leave": True,
        "extra_days": "0",
        "paid_days": "0",
        "notice_days": None,
        "flexible_requests_per_year": 2,
        "flexible_decision_months": 2,
        "flexible_qualifying_weeks": 0,
        "flexible_consultation_before_refusal": True,
    }


def test_a_northern_ireland_policy_has_no_statutory_carers_leave(client, world, carer):
    world.org.nation = Nation.NORTHERN_IRELAND
    world.org.save()
    LeavePolicy.objects.create(organisation=world.org, extra_days=3, paid_days=1, notice_days=2)
    body = client.get(API + "/policy", headers=carer).json()
    assert body["statutory_carers_leave"] is False
    assert (body["extra_days"], body["paid_days"], body["notice_days"]) == ("3.0", "1.0", 2)
    assert body["flexible_requests_per_year"] == 1
    assert body["flexible_consultation_before_refusal"] is False


# --- Flexible working: appeal, withdraw, extension ---------------------------------------


def _flexible(client, carer):
    response = _post(
        client,
        "/flexible/requests",
        carer,
        {"change_requested": "Start at 10am", "start_from": "2027-01-04"},
    )
    assert response.status_code == 201, response.content
    return f"/flexible/requests/{response.json()['id']}"


def test_the_employee_appeals_a_refusal_once_through_the_api(client, world, carer, manager):
    url = _flexible(client, carer)
    early = _post(client, url + "/appeal", carer, {"reason": "Please think again"})
    assert early.status_code == 422
    assert early.json()["code"] == "appeal_not_open"
    _post(client, url + "/consultations", manager, {"held_on": "2026-11-23", "notes": "Talked"})
    refused = _post(
        client, url + "/decision", manager, {"outcome": "refused", "refusal_reasons": ["costs"]}
    )
    assert refused.json()["status"] == "refused"
    assert _post(client, url + "/appeal", manager, {"reason": "x"}).status_code == 403
    response = _post(client, url + "/appeal", carer, {"reason": "Please think again"})
    assert response.status_code == 200
    assert response.json()["status"] == "appealed"
    again = _post(client, url + "/appeal", carer, {"reason": "And again"})
    assert again.json()["code"] == "appeal_not_open"
    blank = _post(client, url + "/appeal", carer, {"reason": ""})
    assert blank.json()["code"] == "invalid_request"


def test_the_employee_withdraws_through_the_api_and_it_still_counts(client, world, carer, manager):
    url = _flexible(client, carer)
    assert _post(client, url + "/withdraw", manager).status_code == 403
    response = _post(client, url + "/withdraw", carer)
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    again = _post(client, url + "/withdraw", carer)
    assert again.json()["code"] == "already_decided"


@pytest.mark.parametrize(
    ("extended_to", "status", "code"),
    [("2027-01-22", 422, "extension_invalid"), ("2027-01-23", 200, None)],  # due 22 January
)
def test_whoever_decides_records_an_agreed_extension(
    client, world, carer, manager, extended_to, status, code
):
    url = _flexible(client, carer)
    assert (
        _post(client, url + "/extension", carer, {"extended_to": "2027-02-01"}).status_code == 403
    )
    response = _post(client, url + "/extension", manager, {"extended_to": extended_to})
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    else:
        assert response.json()["deadline"] == extended_to
        assert response.json()["decision_due"] == "2027-01-22"
        assert response.json()["extension_agreed_to"] == extended_to
