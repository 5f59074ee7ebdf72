"""Carer's leave, time off for dependants and flexible working in the permission matrix
(carershub/tests/test_permission_matrix.py): pages and API operations."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import (
    EVERYONE,
    HR,
    LEAVE_START,
    MEMBERS,
    Spec,
    Targets,
    action,
    api,
    page,
    working_day,
)
from leave.models import Deputy
from organisations.models import StaffRecord


def leave(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.leave.pk}


def flexible(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.flexible.pk}


def deputy_appointment(t: Targets) -> dict[str, Any]:
    """A deputy named by the manager of ``t.staff`` (by the person themselves in the other
    organisation, where nobody manages the outsider)."""
    owner = t.staff.line_manager or t.staff
    stand_in, _ = StaffRecord.objects.get_or_create(
        organisation=owner.organisation,
        staff_number="DEP1",
        defaults={"first_name": "Stand", "last_name": "In"},
    )
    today = timezone.localdate()
    found, _ = Deputy.objects.get_or_create(
        manager=owner,
        deputy=stand_in,
        defaults={
            "from_date": today,
            "to_date": today + timedelta(days=7),
            "created_by": owner.user,
        },
    )
    return {"org_slug": t.org.slug, "pk": found.pk}


def api_leave(t: Targets) -> dict[str, Any]:
    return {"request_id": t.leave.pk}


def api_flexible(t: Targets) -> dict[str, Any]:
    return {"request_id": t.flexible.pk}


_START = working_day(timezone.localdate() + timedelta(days=60))
LEAVE_DAYS = {"days": [{"day": _START.isoformat(), "part": "am"}]}
POSTPONE = {
    "new_first_day": working_day(LEAVE_START + timedelta(days=5)).isoformat(),
    "reason": "Busy",
}
FLEXIBLE = {"change_requested": "Later starts", "start_from": _START.isoformat()}
CONSULT = {"held_on": timezone.localdate().isoformat(), "notes": "Talked it through"}

MATRIX: dict[str, Spec] = {
    # Carer's leave: the employee, their line manager and HR see a request; only the manager decides.
    "leave:home": page(MEMBERS) | {"leaver": 200},
    "leave:team": page(MEMBERS),
    "leave:team_calendar": page(MEMBERS),
    "leave:deputies": page(("carer", "manager"), foreign_outsider=200),
    # Only the manager who named a deputy ends the appointment early.
    "leave:deputy_end": replace(
        action(("manager",), deputy_appointment), role_first=False, foreign_outsider=302
    ),
    "leave:calendar_feed": page(("carer", "manager"), foreign_outsider=200),
    # The feed needs no sign-in; an unknown secret is simply not found.
    "leave:calendar_feed_ics": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-secret"}
    ),
    "leave:carers_leave_new": page(("carer", "manager"), foreign_outsider=200),
    # The summary the request form fetches as days are typed: exactly who may open the form.
    "leave:carers_leave_check": page(("carer", "manager"), foreign_outsider=200),
    "leave:dependants_time_off_new": page(("carer", "manager"), foreign_outsider=200),
    "leave:policy": page(HR),
    # HR's lists of every request in the organisation.
    "leave:carers_leave_all": page(HR),
    # HR's leave export for payroll: the form, and the file when the dates are given.
    "leave:export": page(HR),
    "flexible:all": page(HR),
    "leave:carers_leave_detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=leave, cross=True, role_first=False
    ),
    # One decision form on the request's page: agree, or postpone with a date and reason.
    "leave:carers_leave_decide": replace(
        action(("manager",), leave, {"decision": "accept"}), role_first=False, foreign_outsider=403
    ),
    "leave:carers_leave_cancel": replace(
        action(("carer",), leave), role_first=False, foreign_outsider=302
    ),
    # Flexible working: the employee, their manager (who decides) and HR see a request.
    "flexible:home": page(MEMBERS) | {"leaver": 200},
    "flexible:new": page(("carer", "manager"), foreign_outsider=200),
    "flexible:detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=flexible, cross=True, role_first=False
    ),
    "flexible:consult": replace(
        action(
            ("manager",), flexible, {"held_on": timezone.localdate().isoformat(), "notes": "Talked"}
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible:decide": replace(
        action(("manager",), flexible, {"outcome": "approved"}),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible:extend": replace(
        action(
            ("manager",),
            flexible,
            {"extended_to": (timezone.localdate() + timedelta(days=120)).isoformat()},
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    # Only a refused request can be appealed; this one is still open, so nobody may.
    "flexible:appeal": replace(
        action((), flexible, {"reason": "Please reconsider"}),
        role_first=False,
        foreign_outsider=403,
    ),
    # The letter exists once there is a decision; this request has none yet, so viewers get 404.
    "flexible:letter": page((), kwargs=flexible, cross=True, role_first=False, foreign_outsider=404)
    | dict.fromkeys(("carer", "manager", "hr_admin", "org_admin"), 404),
    "flexible:withdraw": replace(
        action(("carer",), flexible), role_first=False, foreign_outsider=302
    ),
    # The organisation's leave for HR and payroll systems: an organisation token of HR.
    "api-v1:list_leave_periods": api("GET", HR, 200),
    # Carer's leave through the API: own balance and requests for anyone with a staff record.
    "api-v1:carers_leave_balance": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:list_carers_leave": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:create_carers_leave": api("POST", ("carer", "manager"), 201, data=LEAVE_DAYS)
    | {"outsider": 201},
    # Looked up before the role is checked, so another organisation's id is always 404.
    "api-v1:get_carers_leave": replace(
        api(
            "GET", ("carer", "manager", "hr_admin", "org_admin"), 200, kwargs=api_leave, cross=True
        ),
        role_first=False,
    ),
    "api-v1:accept_carers_leave": replace(
        api("POST", ("manager",), 200, kwargs=api_leave, cross=True), role_first=False
    ),
    "api-v1:postpone_carers_leave": replace(
        api("POST", ("manager",), 200, kwargs=api_leave, data=POSTPONE, cross=True),
        role_first=False,
    ),
    # Flexible working through the API.
    "api-v1:list_flexible": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:create_flexible": api("POST", ("carer", "manager"), 201, data=FLEXIBLE)
    # The carer already has a request waiting (the target): one is considered at a time.
    | {"carer": 422, "outsider": 201},
    "api-v1:get_flexible": replace(
        api(
            "GET",
            ("carer", "manager", "hr_admin", "org_admin"),
            200,
            kwargs=api_flexible,
            cross=True,
        ),
        role_first=False,
    ),
    "api-v1:consult_flexible": replace(
        api("POST", ("manager",), 200, kwargs=api_flexible, data=CONSULT, cross=True),
        role_first=False,
    ),
    "api-v1:decide_flexible": replace(
        api(
            "POST", ("manager",), 200, kwargs=api_flexible, data={"outcome": "approved"}, cross=True
        ),
        role_first=False,
    ),
    # The request is still waiting: only the employee withdraws it, and nobody can appeal yet.
    "api-v1:withdraw_flexible": replace(
        api("POST", ("carer",), 200, kwargs=api_flexible, cross=True),
        role_first=False,
        foreign_outsider=200,
    ),
    "api-v1:appeal_flexible": replace(
        api("POST", (), 200, kwargs=api_flexible, data={"reason": "Please"}, cross=True),
        role_first=False,
        foreign_outsider=422,
    )
    | {"carer": 422},
    "api-v1:extend_flexible": replace(
        api(
            "POST",
            ("manager",),
            200,
            kwargs=api_flexible,
            data={"extended_to": (timezone.localdate() + timedelta(days=120)).isoformat()},
            cross=True,
        ),
        role_first=False,
    ),
    "api-v1:cancel_carers_leave": replace(
        api("POST", ("carer",), 200, kwargs=api_leave, cross=True),
        role_first=False,
        foreign_outsider=200,
    ),
    # Time off for dependants: recorded by people with a staff record here; the policy is for all.
    "api-v1:list_dependants_time_off": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:record_dependants_time_off": api(
        "POST",
        ("carer", "manager"),
        201,
        data={"first_day": timezone.localdate().isoformat(), "days": "1"},
    )
    | {"outsider": 201},
    "api-v1:get_leave_policy": api("GET", MEMBERS, 200),
}
