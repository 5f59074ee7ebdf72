"""Reads for leave pages: balances and who may see which request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from leave import rules
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DependantsTimeOff,
    LeaveDecision,
    RequestStatus,
)
from leave.services import LeaveRuleError, booked_days, entitlement_days
from organisations.models import Role, StaffRecord, StaffStatus
from organisations.selectors import roles_in


@dataclass(frozen=True)
class Balance:
    entitlement: Decimal | None
    used: Decimal
    remaining: Decimal | None
    unavailable_reason: str = ""
    #: Days asked for or agreed after today (they count in the 12 months around them).
    booked_ahead: Decimal = Decimal(0)


def balance_for(*, staff: StaffRecord, on: date) -> Balance:
    """Carer's leave in the 12 months up to ``on``: what is allowed, used and left."""
    days = booked_days(staff=staff)
    start = rules.rolling_year_start(on)
    used = sum((amount for day, amount in days.items() if start <= day <= on), Decimal(0))
    ahead = sum((amount for day, amount in days.items() if day > on), Decimal(0))
    try:
        entitlement = entitlement_days(staff=staff, on=on)
    except LeaveRuleError as error:
        return Balance(None, used, None, error.message, ahead)
    return Balance(entitlement, used, entitlement - used, "", ahead)


def balance_on_each_day(
    *, staff: StaffRecord, request: CarersLeaveRequest
) -> list[tuple[CarersLeaveDay, Decimal | None]]:
    """For each day of a request, the balance left after it, counting the 12 months up to that day."""
    days = booked_days(staff=staff)
    rows = list(request.days.all())
    result: list[tuple[CarersLeaveDay, Decimal | None]] = []
    for row in rows:
        try:
            entitlement = entitlement_days(staff=staff, on=row.day)
        except LeaveRuleError:
            result.append((row, None))
            continue
        result.append(
            (row, rules.carers_leave_balance_on(day=row.day, days=days, entitlement=entitlement))
        )
    return result


def _with_days() -> QuerySet[CarersLeaveRequest]:
    return CarersLeaveRequest.objects.select_related("staff", "staff__unit").prefetch_related(
        Prefetch("days", queryset=CarersLeaveDay.objects.order_by("day"))
    )


def requests_of(*, staff: StaffRecord) -> QuerySet[CarersLeaveRequest]:
    return _with_days().filter(staff=staff).order_by("-created_at")


def requests_to_decide(*, manager: StaffRecord) -> QuerySet[CarersLeaveRequest]:
    """Requests from a manager's direct reports that wait for a decision."""
    if manager.status != StaffStatus.ACTIVE:
        return CarersLeaveRequest.objects.none()
    return (
        _with_days()
        .filter(staff__line_manager=manager, status=RequestStatus.REQUESTED)
        .order_by("created_at")
    )


def request_with_history(*, pk: int, organisation_id: int) -> CarersLeaveRequest | None:
    return (
        _with_days()
        .select_related("staff__line_manager", "staff__organisation")
        .prefetch_related(
            Prefetch("decisions", queryset=LeaveDecision.objects.select_related("by"))
        )
        .filter(pk=pk, organisation_id=organisation_id)
        .first()
    )


def request_access(*, user: Any, request: CarersLeaveRequest) -> dict[str, bool]:
    """What ``user`` may do with a request: the employee, their line manager and HR only."""
    staff = request.staff
    is_owner = staff.user_id == user.pk
    manager = staff.line_manager
    is_manager = (
        manager is not None
        and manager.user_id == user.pk
        and manager.status == StaffStatus.ACTIVE
        and not is_owner
    )
    is_hr = bool(
        roles_in(user=user, organisation=staff.organisation) & {Role.HR_ADMIN, Role.ORG_ADMIN}
    )
    open_request = request.status == RequestStatus.REQUESTED
    return {
        "view": is_owner or is_manager or is_hr,
        "decide": is_manager and open_request,
        "cancel": is_owner and request.is_open,
    }


def time_off_of(*, staff: StaffRecord) -> QuerySet[DependantsTimeOff]:
    return DependantsTimeOff.objects.filter(staff=staff).order_by("-first_day", "-created_at")
