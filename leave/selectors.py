"""Reads for leave's pages and API: balances, lists, the access functions that fetch one
request (or appointment, or person's time off) for a viewer, and the audit of list reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record_many
from leave import statutory
from leave.deputies import acting_for, managers_deputised
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DependantsTimeOff,
    Deputy,
    FlexibleWorkingRequest,
    LeaveDecision,
    LeavePolicy,
    RequestStatus,
)
from leave.services import LeaveRuleError, booked_days, entitlement_days
from organisations.access import access_staff_record
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.rules import is_hr_admin


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
    start = statutory.rolling_year_start(on)
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
            (
                row,
                statutory.carers_leave_balance_on(day=row.day, days=days, entitlement=entitlement),
            )
        )
    return result


def _with_days() -> QuerySet[CarersLeaveRequest]:
    return CarersLeaveRequest.objects.select_related("staff", "staff__unit").prefetch_related(
        Prefetch("days", queryset=CarersLeaveDay.objects.order_by("day"))
    )


def requests_of(*, staff: StaffRecord) -> QuerySet[CarersLeaveRequest]:
    return _with_days().filter(staff=staff).order_by("-created_at")


def _waiting_for_decision(manager: StaffRecord) -> QuerySet[CarersLeaveRequest]:
    if manager.status != StaffStatus.ACTIVE:
        return CarersLeaveRequest.objects.none()
    # Also the teams of managers this person deputises for today.
    managers = [manager.pk, *managers_deputised(deputy=manager, on=timezone.localdate())]
    return CarersLeaveRequest.objects.filter(
        staff__line_manager_id__in=managers, status=RequestStatus.REQUESTED
    ).exclude(staff=manager)


def requests_to_decide(*, manager: StaffRecord) -> QuerySet[CarersLeaveRequest]:
    """Requests from a manager's direct reports that wait for a decision."""
    return (
        _waiting_for_decision(manager)
        .select_related("staff", "staff__unit")
        .prefetch_related(Prefetch("days", queryset=CarersLeaveDay.objects.order_by("day")))
        .order_by("created_at")
    )


@dataclass(frozen=True)
class LeaveToDecide:
    """A carer's leave request waiting for the reader's decision, as the home page lists it."""

    pk: int
    name: str
    first_day: date


def carers_leave_waiting_count(*, manager: StaffRecord) -> int:
    """How many requests ``requests_to_decide`` lists, for the count on the home page's card."""
    return _waiting_for_decision(manager).count()


def carers_leave_to_decide(*, manager: StaffRecord, limit: int) -> tuple[list[LeaveToDecide], int]:
    """The requests ``requests_to_decide`` lists, the soonest first day first: at most
    ``limit`` of them and how many there are, in two queries (after the deputyships')."""
    waiting = _waiting_for_decision(manager).annotate(first=Min("days__day"))
    rows = waiting.order_by("first", "pk").values_list(
        "pk", "staff__first_name", "staff__last_name", "first"
    )[:limit]
    listed = [
        LeaveToDecide(pk=pk, name=f"{first_name} {last_name}".strip(), first_day=first)
        for pk, first_name, last_name, first in rows
    ]
    total = len(listed) if len(listed) < limit else waiting.count()
    return listed, total


@dataclass(frozen=True)
class DecisionToRead:
    """A decision on the reader's own request they have not opened yet."""

    pk: int
    kind: str  # "carers_leave" or "flexible"
    status: str
    #: The first day of the carer's leave as it now stands; none for flexible working.
    first_day: date | None


def decisions_to_read(*, staff: StaffRecord, limit: int) -> list[DecisionToRead]:
    """The employee's own requests with a decision they have not opened, carer's leave by its
    first day, then flexible working newest first: two queries whatever their number."""
    leave = (
        CarersLeaveRequest.objects.filter(staff=staff, decision_unread=True)
        .annotate(first=Min("days__day"))
        .order_by("first", "pk")
        .values_list("pk", "status", "first")[:limit]
    )
    flexible = (
        FlexibleWorkingRequest.objects.filter(staff=staff, decision_unread=True)
        .order_by("-decided_at", "-pk")
        .values_list("pk", "status")[:limit]
    )
    return [
        DecisionToRead(pk=pk, kind="carers_leave", status=status, first_day=first)
        for pk, status, first in leave
    ] + [
        DecisionToRead(pk=pk, kind="flexible", status=status, first_day=None)
        for pk, status in flexible
    ]


@dataclass(frozen=True)
class CarersLeaveAccess:
    """What the viewer may do with one carer's leave request; pages and the API read this."""

    is_owner: bool
    #: Agree or postpone it: the line manager in post, or their deputy, while it waits.
    can_decide: bool
    #: Cancel it: the employee, while in post and before it is over.
    can_cancel: bool


def access_carers_leave_request(
    *, viewer: User, organisation: Organisation, pk: int
) -> tuple[CarersLeaveRequest, CarersLeaveAccess]:
    """The request, with its days and decisions, if the viewer may see it: the employee, their
    line manager in post (or a deputy standing in today) and HR.

    Another organisation's request is a 404; a colleague's in this one is a 403.
    """
    leave = (
        _with_days()
        .select_related("staff__line_manager", "staff__organisation")
        .prefetch_related(
            Prefetch("decisions", queryset=LeaveDecision.objects.select_related("by"))
        )
        .filter(pk=pk, organisation_id=organisation.pk)
        .first()
    )
    if leave is None:
        raise Http404
    staff = leave.staff
    is_owner = staff.user_id == viewer.pk
    manager = staff.line_manager
    is_manager = (
        manager is not None
        and manager.user_id == viewer.pk
        and manager.status == StaffStatus.ACTIVE
        and not is_owner
    )
    is_hr = viewer.has_perm("leave.view_all_requests", organisation)
    # A deputy stands in for the line manager while appointed (never on their own request).
    is_deputy = (
        not is_owner
        and not is_manager
        and acting_for(user=viewer, manager=manager, on=timezone.localdate())
    )
    if not (is_owner or is_manager or is_hr or is_deputy):
        raise PermissionDenied
    return leave, CarersLeaveAccess(
        is_owner=is_owner,
        can_decide=(is_manager or is_deputy) and leave.status == RequestStatus.REQUESTED,
        can_cancel=is_owner and leave.is_open and staff.status == StaffStatus.ACTIVE,
    )


def time_off_of(*, staff: StaffRecord) -> QuerySet[DependantsTimeOff]:
    return DependantsTimeOff.objects.filter(staff=staff).order_by("-first_day", "-created_at")


@dataclass(frozen=True)
class TimeOffAccess:
    """Whose time off for dependants the viewer reads: someone else's reads are audited."""

    is_own: bool


def access_time_off_of(
    *, viewer: User, organisation: Organisation, pk: int
) -> tuple[StaffRecord, TimeOffAccess]:
    """The staff record ``pk`` if the viewer may read that person's time off for dependants:
    the person, their line manager in post, or HR.

    Another organisation's staff record is a 404; anyone else in this one gets a 403.
    """
    staff = access_staff_record(organisation=organisation, pk=pk)
    is_own = staff.user_id == viewer.pk
    manager = staff.line_manager
    is_manager = (
        manager is not None
        and manager.user_id == viewer.pk
        and manager.status == StaffStatus.ACTIVE
    )
    if not (is_own or is_manager or viewer.has_perm("leave.view_all_requests", organisation)):
        raise PermissionDenied
    return staff, TimeOffAccess(is_own=is_own)


@dataclass(frozen=True)
class DeputyAccess:
    """What the viewer may do with one deputy's appointment."""

    #: End it early: only the manager who named the deputy.
    can_end: bool


def access_deputy(
    *, viewer: User, organisation: Organisation, pk: int
) -> tuple[Deputy, DeputyAccess]:
    """An appointment of a deputy, for the manager it stands in for and the deputy.

    Another organisation's appointment is a 404; anyone else in this one gets a 403.
    """
    appointment = (
        Deputy.objects.select_related("manager", "deputy")
        .filter(pk=pk, manager__organisation=organisation)
        .first()
    )
    if appointment is None:
        raise Http404
    is_manager = appointment.manager.user_id == viewer.pk
    if not (is_manager or appointment.deputy.user_id == viewer.pk):
        raise PermissionDenied
    return appointment, DeputyAccess(can_end=is_manager and appointment.created_by_id == viewer.pk)


def deputies_named_by(*, manager: StaffRecord, on: date) -> QuerySet[Deputy]:
    """The manager's appointments that have not ended by their dates, for their deputies page."""
    return Deputy.objects.filter(manager=manager, to_date__gte=on).select_related("deputy")


def leave_policy_of(*, organisation: Organisation) -> LeavePolicy | None:
    """What the organisation gives beyond the law; ``None`` until HR first saves it."""
    return LeavePolicy.objects.filter(organisation=organisation).first()


@dataclass(frozen=True)
class Absence:
    person: str
    first_day: date
    last_day: date
    label: str
    #: What the row was read from, for the audit log: ("leave.carersleaverequest", id)…
    source: tuple[str, int] = ("", 0)
    #: Someone else's absence (their reads are audited; your own are not).
    others: bool = False


def team_absences(
    *, viewer: Any, viewer_record: StaffRecord, start: date, days: int
) -> list[Absence]:
    """Who in the viewer's team is away: their line manager's reports and their own reports.

    Carer's leave and time off for dependants appear only to the person, their line
    manager (or deputy) and HR. Colleagues see none of it: even an unlabelled "Leave" would
    tell them who is a carer, because these are the only absences kept here (trust rule 3).
    """
    end = start + timedelta(days=days)
    in_post = viewer_record.status == StaffStatus.ACTIVE
    # Someone who has left manages nobody: their former reports are not their team.
    team = Q(pk=viewer_record.pk)
    if in_post:
        team |= Q(line_manager=viewer_record)
    if in_post and viewer_record.line_manager_id:
        team |= Q(line_manager_id=viewer_record.line_manager_id)
    people = {
        p.pk: p
        for p in StaffRecord.objects.filter(
            team, organisation_id=viewer_record.organisation_id, status=StaffStatus.ACTIVE
        ).select_related("line_manager")
    }
    is_hr = is_hr_admin(viewer, viewer_record.organisation)

    def may_see_kind(person: StaffRecord) -> bool:
        manager = person.line_manager
        return (
            is_hr
            or person.user_id == viewer.pk
            or (in_post and manager is not None and manager.user_id == viewer.pk)
            or (in_post and acting_for(user=viewer, manager=manager, on=start))
        )

    result: list[Absence] = []
    leave_days = (
        CarersLeaveDay.objects.filter(
            request__staff_id__in=people,
            request__status__in=[RequestStatus.ACCEPTED, RequestStatus.POSTPONED],
            day__gte=start,
            day__lt=end,
        )
        .values_list("request__staff_id", "day", "request_id")
        .order_by("request__staff_id", "day")
    )
    for staff_id, day, request_id in leave_days:
        person = people[staff_id]
        if may_see_kind(person):
            result.append(
                Absence(
                    person.full_name,
                    day,
                    day,
                    _("Carer's leave"),
                    (CarersLeaveRequest._meta.label_lower, request_id),
                    person.user_id != viewer.pk,
                )
            )
    recent = start - timedelta(days=31)
    for item in DependantsTimeOff.objects.filter(
        staff_id__in=people, first_day__lt=end, first_day__gte=recent
    ):
        last = item.first_day + timedelta(days=max(int(item.days) - 1, 0))
        if last < start:
            continue
        person = people[item.staff_id]
        if may_see_kind(person):
            result.append(
                Absence(
                    person.full_name,
                    item.first_day,
                    last,
                    _("Time off for dependants"),
                    (DependantsTimeOff._meta.label_lower, item.pk),
                    person.user_id != viewer.pk,
                )
            )
    return sorted(result, key=lambda a: (a.first_day, a.person))


def carers_leave_in_organisation(
    *, organisation_id: int, status: str = ""
) -> QuerySet[CarersLeaveRequest]:
    """Every carer's leave request of one organisation, newest first (HR's list)."""
    requests = _with_days().filter(organisation_id=organisation_id)
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def audit_list_read(
    *,
    viewer: User,
    organisation_id: int,
    items: list[CarersLeaveRequest] | list[FlexibleWorkingRequest],
    where: str,
    channel: Channel = Channel.WEB,
) -> None:
    """One audit entry per request a list showed someone other than its owner (trust rule 5),
    written in one statement so a list page keeps a constant number of queries."""
    shown = [item for item in items if item.staff.user_id != viewer.pk]
    if not shown:
        return
    audit_ids_read(
        viewer=viewer,
        organisation_id=organisation_id,
        object_type=shown[0]._meta.label_lower,
        ids=[item.pk for item in shown],
        where=where,
        channel=channel,
    )


def audit_ids_read(
    *,
    viewer: User,
    organisation_id: int,
    object_type: str,
    ids: list[int],
    where: str,
    channel: Channel = Channel.WEB,
) -> None:
    """As ``audit_list_read``, for a list that fetched only the requests' ids (none the
    viewer's own)."""
    if not ids:
        return
    audit_record_many(
        actor=viewer,
        action=Action.VIEW,
        channel=channel,
        object_type=object_type,
        organisation_id=organisation_id,
        entries=((str(pk), f"Listed request {pk} on {where}", {}) for pk in ids),
    )


def audit_absences_read(*, viewer: User, organisation_id: int, absences: list[Absence]) -> None:
    """One audit entry per record of someone else's leave the team calendar showed, by kind."""
    by_type: dict[str, set[int]] = {}
    for absence in absences:
        if absence.others and absence.source[1]:
            by_type.setdefault(absence.source[0], set()).add(absence.source[1])
    for object_type, ids in sorted(by_type.items()):
        audit_record_many(
            actor=viewer,
            action=Action.VIEW,
            channel=Channel.WEB,
            object_type=object_type,
            organisation_id=organisation_id,
            entries=((str(pk), f"Shown {pk} on the team calendar", {}) for pk in sorted(ids)),
        )
