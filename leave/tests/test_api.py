"""Carer's leave through the API: the same rules, with stable problem codes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from leave.flexible.services import flexible_request_withdraw
from leave.models import FlexibleWorkingRequest, RequestStatus


@pytest.fixture(autouse=True)
def _on_a_monday():
    """Dates below are counted from Monday 23 November 2026, so they fall on known weekdays."""
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), tick=True):
        yield


def _auth(user, org):
    return {
        "Authorization": f"Bearer {api_token_create(user=user, organisation=org, name='t', channel=Channel.WEB)[1]}"
    }


def _day(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_a_carer_asks_through_the_api_and_the_manager_agrees(client, world):
    carer = _auth(world.carer, world.org)
    response = client.post(
        "/api/v1/leave/carers/requests",
        {"days": [{"day": _day(21), "part": "am"}, {"day": _day(22)}]},
        content_type="application/json",
        headers=carer,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested"
    assert [d["part"] for d in body["days"]] == ["am", "full"]
    assert AuditEvent.objects.filter(
        object_type="leave.carersleaverequest", channel=Channel.API
    ).exists()

    balance = client.get("/api/v1/leave/carers/balance", headers=carer).json()
    assert balance["used"] == "0"  # booked days fall in the future, outside the 12 months to today
    assert balance["entitlement"] == "5.0"

    manager = _auth(world.manager, world.org)
    response = client.post(f"/api/v1/leave/carers/requests/{body['id']}/accept", headers=manager)
    assert response.status_code == 200
    assert response.json()["status"] == RequestStatus.ACCEPTED


def test_short_notice_is_a_problem_with_a_stable_code(client, world):
    response = client.post(
        "/api/v1/leave/carers/requests",
        {"days": [{"day": _day(1)}]},
        content_type="application/json",
        headers=_auth(world.carer, world.org),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "insufficient_notice"


def test_postponing_more_than_a_month_is_refused_with_its_code(client, world):
    created = client.post(
        "/api/v1/leave/carers/requests",
        {"days": [{"day": _day(21)}]},
        content_type="application/json",
        headers=_auth(world.carer, world.org),
    ).json()
    response = client.post(
        f"/api/v1/leave/carers/requests/{created['id']}/postpone",
        {"new_first_day": _day(60), "reason": "Busy"},
        content_type="application/json",
        headers=_auth(world.manager, world.org),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "postponement_beyond_one_month"


def test_there_is_no_refuse_route(client, world):
    created = client.post(
        "/api/v1/leave/carers/requests",
        {"days": [{"day": _day(21)}]},
        content_type="application/json",
        headers=_auth(world.carer, world.org),
    ).json()
    response = client.post(
        f"/api/v1/leave/carers/requests/{created['id']}/refuse",
        headers=_auth(world.manager, world.org),
    )
    assert response.status_code == 404


def test_flexible_working_through_the_api_refusal_rules_have_stable_codes(client, world):
    carer = _auth(world.carer, world.org)
    manager = _auth(world.manager, world.org)
    created = client.post(
        "/api/v1/leave/flexible/requests",
        {"change_requested": "Compressed hours", "start_from": _day(40)},
        content_type="application/json",
        headers=carer,
    )
    assert created.status_code == 201
    item = created.json()
    url = f"/api/v1/leave/flexible/requests/{item['id']}"
    refuse = {"outcome": "refused", "refusal_reasons": ["costs"]}
    response = client.post(
        url + "/decision", refuse, content_type="application/json", headers=manager
    )
    assert response.json()["code"] == "consultation_required"
    client.post(
        url + "/consultations",
        {"held_on": _day(0), "notes": "Talked"},
        content_type="application/json",
        headers=manager,
    )
    response = client.post(
        url + "/decision",
        {"outcome": "refused", "refusal_reasons": ["dislike"]},
        content_type="application/json",
        headers=manager,
    )
    assert response.json()["code"] == "refusal_not_allowed"
    response = client.post(
        url + "/decision", refuse, content_type="application/json", headers=manager
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["consultations"] == 1


def test_a_third_flexible_request_in_a_year_is_request_limit_reached(client, world):
    carer = _auth(world.carer, world.org)
    body = {"change_requested": "Later starts", "start_from": _day(40)}
    for _ in range(2):
        assert (
            client.post(
                "/api/v1/leave/flexible/requests",
                body,
                content_type="application/json",
                headers=carer,
            ).status_code
            == 201
        )
        # Decided (here withdrawn) before the next one: only one is considered at a time.
        flexible_request_withdraw(
            request=FlexibleWorkingRequest.objects.latest("pk"), by=world.carer
        )
    response = client.post(
        "/api/v1/leave/flexible/requests", body, content_type="application/json", headers=carer
    )
    assert response.status_code == 422
    assert response.json()["code"] == "request_limit_reached"
