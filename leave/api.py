"""Carer's leave in the API: the same services and rules as the pages.

A refusal by the rules is a 422 problem whose ``code`` is the rule's stable code
(``insufficient_notice``, ``entitlement_exceeded``, ``not_available_in_nation``,
``postponement_beyond_one_month``…). There is no refuse route: the law has none.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from api.auth import BearerToken
from api.problems import ApiProblem
from api.schemas import Problem, Whole
from audit.models import Action, Channel
from audit.services import audit_record, audit_record_many
from leave import payroll, statutory
from leave.flexible.selectors import access_flexible_request, flexible_requests_of
from leave.flexible.services import (
    REFUSAL_CODES,
    consultation_record,
    flexible_extension_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
    flexible_request_withdraw,
)
from leave.models import (
    CarersLeaveRequest,
    DayPart,
    DependantsTimeOff,
    FlexibleStatus,
    FlexibleWorkingRequest,
    LeavePolicy,
    RequestStatus,
)
from leave.selectors import (
    access_carers_leave_request,
    access_time_off_of,
    balance_for,
    leave_policy_of,
    requests_of,
    time_off_of,
)
from leave.services import (
    carers_leave_accept,
    carers_leave_cancel,
    carers_leave_postpone,
    carers_leave_request,
    dependants_time_off_record,
)
from organisations.access import access_staff_record
from organisations.models import Nation, StaffRecord
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from shared.text import MultiLine, SingleLine

router = Router(tags=["leave"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
MEMBER = BearerToken("organisations.use_organisation")


class DayIn(Schema):
    day: date
    part: DayPart = DayPart.FULL


class RequestIn(Schema):
    days: list[DayIn] = Field(min_length=1, max_length=7)
    note: MultiLine = Field("", max_length=500)
    staff_id: Whole | None = Field(
        None,
        description="HR admins may record a request for someone else; others ask for themselves.",
    )


class DayOut(Schema):
    day: date
    part: DayPart


class RequestOut(Schema):
    id: int
    staff_id: int
    status: RequestStatus
    notice_given_on: date
    days: list[DayOut]

    @staticmethod
    def resolve_days(obj: CarersLeaveRequest) -> list[dict[str, object]]:
        return [{"day": d.day, "part": d.part} for d in obj.days.all()]


class BalanceOut(Schema):
    entitlement: Decimal | None
    used: Decimal
    remaining: Decimal | None
    unavailable_reason: str


class PostponeIn(Schema):
    new_first_day: date
    reason: MultiLine = Field(min_length=1, max_length=2000)


def _own(request: OrgRequest) -> StaffRecord:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is None:
        raise PermissionDenied("The token's owner has no staff record here")
    return record


@router.get("/carers/balance", auth=MEMBER, response={200: BalanceOut, **ERRORS})
def carers_leave_balance(request: OrgRequest) -> BalanceOut:
    balance = balance_for(staff=_own(request), on=timezone.localdate())
    return BalanceOut(**balance.__dict__)


@router.get("/carers/requests", auth=MEMBER, response={200: list[RequestOut], **ERRORS})
def list_carers_leave(request: OrgRequest) -> list[CarersLeaveRequest]:
    """The token owner's own requests, newest first."""
    return list(requests_of(staff=_own(request)))


@router.post("/carers/requests", auth=MEMBER, response={201: RequestOut, **WRITE_ERRORS})
def create_carers_leave(request: OrgRequest, payload: RequestIn) -> Status[CarersLeaveRequest]:
    if payload.staff_id is None:
        staff = _own(request)
    else:
        if not request.user.has_perm("organisations.change_staff", request.organisation):
            raise PermissionDenied
        staff = access_staff_record(organisation=request.organisation, pk=payload.staff_id)
    leave = carers_leave_request(
        staff=staff,
        days=[(d.day, d.part) for d in payload.days],
        note=payload.note,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=leave.pk
    )
    return Status(201, leave)


@router.get("/carers/requests/{request_id}", auth=MEMBER, response={200: RequestOut, **ERRORS})
def get_carers_leave(request: OrgRequest, request_id: int) -> CarersLeaveRequest:
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    # Only the read is audited as a read; writes are audited by their services.
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.API,
        target=leave,
        organisation_id=request.organisation.pk,
        summary=f"Read carer's leave request {leave.pk} through the API",
    )
    return leave


@router.post(
    "/carers/requests/{request_id}/accept", auth=MEMBER, response={200: RequestOut, **WRITE_ERRORS}
)
def accept_carers_leave(request: OrgRequest, request_id: int) -> CarersLeaveRequest:
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    carers_leave_accept(request=leave, by=request.user, channel=Channel.API)
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return leave


@router.post(
    "/carers/requests/{request_id}/postpone",
    auth=MEMBER,
    response={200: RequestOut, **WRITE_ERRORS},
)
def postpone_carers_leave(
    request: OrgRequest, request_id: int, payload: PostponeIn
) -> CarersLeaveRequest:
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    carers_leave_postpone(
        request=leave,
        by=request.user,
        new_first_day=payload.new_first_day,
        reason=payload.reason,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return leave


@router.post(
    "/carers/requests/{request_id}/cancel",
    auth=MEMBER,
    response={200: RequestOut, **WRITE_ERRORS},
)
def cancel_carers_leave(request: OrgRequest, request_id: int) -> CarersLeaveRequest:
    """Only the employee cancels, before the first day (``already_started``); the days go
    back into the balance."""
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    carers_leave_cancel(
        request=leave, by=request.user, today=timezone.localdate(), channel=Channel.API
    )
    leave, _access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return leave


# --- Time off for dependants ----------------------------------------------------------


class DependantsIn(Schema):
    first_day: date
    days: Decimal = Field(ge=Decimal("0.5"), le=Decimal("30"), decimal_places=1)
    note: SingleLine = Field("", max_length=300)
    staff_id: Whole | None = Field(
        None,
        description="A line manager may record it for someone they manage; leave out for yourself.",
    )


class DependantsOut(Schema):
    id: int
    staff_id: int
    first_day: date
    days: Decimal
    note: str
    recorded_by_self: bool

    @staticmethod
    def resolve_recorded_by_self(obj: DependantsTimeOff) -> bool:
        return obj.recorded_by_id == obj.staff.user_id


class DependantsFilter(Schema):
    staff_id: int | None = Field(
        None,
        description="Someone else's records: for their line manager and HR admins. Leave out for your own.",
    )


@router.get("/dependants", auth=MEMBER, response={200: list[DependantsOut], **ERRORS})
def list_dependants_time_off(
    request: OrgRequest, filters: Query[DependantsFilter]
) -> list[DependantsTimeOff]:
    """Your own records, newest first; or, for a line manager in post or HR, one person's."""
    if filters.staff_id is None:
        return list(time_off_of(staff=_own(request)).select_related("staff"))
    staff, access = access_time_off_of(
        viewer=request.user, organisation=request.organisation, pk=filters.staff_id
    )
    records = list(time_off_of(staff=staff).select_related("staff"))
    if not access.is_own:
        audit_record_many(
            actor=request.user,
            action=Action.VIEW,
            channel=Channel.API,
            object_type=DependantsTimeOff._meta.label_lower,
            organisation_id=request.organisation.pk,
            entries=(
                (str(r.pk), f"Read time off for dependants {r.pk} through the API", {})
                for r in records
            ),
        )
    return records


@router.post("/dependants", auth=MEMBER, response={201: DependantsOut, **WRITE_ERRORS})
def record_dependants_time_off(
    request: OrgRequest, payload: DependantsIn
) -> Status[DependantsTimeOff]:
    """Recorded, never approved (ERA 1996 s.57A); at most seven days ahead (``not_an_emergency``)."""
    staff = (
        _own(request)
        if payload.staff_id is None
        else access_staff_record(organisation=request.organisation, pk=payload.staff_id)
    )
    record = dependants_time_off_record(
        staff=staff,
        first_day=payload.first_day,
        days=payload.days,
        note=payload.note,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    return Status(201, record)


# --- The organisation's policy ----------------------------------------------------------


class PolicyOut(Schema):
    nation: Nation
    statutory_carers_leave: bool = Field(
        description="Whether the statutory right to carer's leave applies here today (not in Northern Ireland)."
    )
    extra_days: Decimal = Field(
        description="Carer's leave days a year on top of the statutory week."
    )
    paid_days: Decimal
    notice_days: int | None = Field(
        description="Shorter notice the organisation accepts; null for the statutory notice."
    )
    flexible_requests_per_year: int
    flexible_decision_months: int
    flexible_qualifying_weeks: int
    flexible_consultation_before_refusal: bool


@router.get("/policy", auth=MEMBER, response={200: PolicyOut, **ERRORS})
def get_leave_policy(request: OrgRequest) -> PolicyOut:
    """What the organisation gives beyond the law, with the statutory rule in force today."""
    organisation = request.organisation
    today = timezone.localdate()
    policy = leave_policy_of(organisation=organisation) or LeavePolicy(organisation=organisation)
    try:
        statutory.carers_leave_rule(nation=organisation.nation, on=today)
        carers_leave_applies = True
    except statutory.NotAvailableInNation:
        carers_leave_applies = False
    flexible = statutory.flexible_working_rule(nation=organisation.nation, on=today)
    return PolicyOut(
        nation=Nation(organisation.nation),
        statutory_carers_leave=carers_leave_applies,
        extra_days=policy.extra_days,
        paid_days=policy.paid_days,
        notice_days=policy.notice_days,
        flexible_requests_per_year=flexible.requests_per_year,
        flexible_decision_months=flexible.decision_months,
        flexible_qualifying_weeks=flexible.qualifying_weeks,
        flexible_consultation_before_refusal=flexible.consultation_before_refusal,
    )


# --- Flexible working ---------------------------------------------------------------


class FlexibleIn(Schema):
    change_requested: MultiLine = Field(min_length=1, max_length=3000)
    start_from: date


class ConsultationIn(Schema):
    held_on: date
    notes: MultiLine = Field(min_length=1, max_length=5000)


class DecisionIn(Schema):
    outcome: Literal["approved", "approved_changes", "refused"]
    agreed_change: MultiLine = Field("", max_length=3000)
    refusal_reasons: list[SingleLine] = Field(
        default_factory=list,
        description="Only the eight statutory codes: " + ", ".join(sorted(REFUSAL_CODES)),
    )
    refusal_explanation: MultiLine = Field("", max_length=3000)
    trial_until: date | None = None


class AppealIn(Schema):
    reason: MultiLine = Field(min_length=1, max_length=3000)


class ExtensionIn(Schema):
    extended_to: date = Field(
        description=(
            "The later date the employee agreed to: after the current deadline and not before "
            "today. Once the deadline has passed, only within three months beginning with the "
            "day after it (ERA 1996 s.80G(1C)(b)); later is refused as extension_too_late."
        )
    )


class FlexibleOut(Schema):
    id: int
    staff_id: int
    status: FlexibleStatus
    received_on: date
    change_requested: str
    start_from: date
    decision_due: date
    deadline: date
    agreed_change: str
    refusal_reasons: list[str]
    trial_until: date | None
    extension_agreed_to: date | None
    decision_period_ended: bool = Field(
        description=(
            "Still waiting for a decision or an appeal decision although the deadline has "
            "passed. It no longer stops a new request (ERA 1996 s.80F(4B)(d)) but still counts "
            "towards the two in 12 months, and may still be decided."
        )
    )
    consultations: int

    @staticmethod
    def resolve_consultations(obj: FlexibleWorkingRequest) -> int:
        # Both reads that give these prefetch the consultations.
        return len(obj.consultations.all())


@router.get("/flexible/requests", auth=MEMBER, response={200: list[FlexibleOut], **ERRORS})
def list_flexible(request: OrgRequest) -> list[FlexibleWorkingRequest]:
    """The token owner's own flexible-working requests, newest first."""
    return list(flexible_requests_of(staff=_own(request)))


@router.post("/flexible/requests", auth=MEMBER, response={201: FlexibleOut, **WRITE_ERRORS})
def create_flexible(request: OrgRequest, payload: FlexibleIn) -> Status[FlexibleWorkingRequest]:
    item = flexible_request_submit(
        staff=_own(request),
        change_requested=payload.change_requested,
        start_from=payload.start_from,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=item.pk
    )
    return Status(201, item)


@router.get("/flexible/requests/{request_id}", auth=MEMBER, response={200: FlexibleOut, **ERRORS})
def get_flexible(request: OrgRequest, request_id: int) -> FlexibleWorkingRequest:
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    # Only the read is audited as a read; writes are audited by their services.
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.API,
        target=item,
        organisation_id=request.organisation.pk,
        summary=f"Read flexible-working request {item.pk} through the API",
    )
    return item


@router.post(
    "/flexible/requests/{request_id}/consultations",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def consult_flexible(
    request: OrgRequest, request_id: int, payload: ConsultationIn
) -> FlexibleWorkingRequest:
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    consultation_record(
        request=item,
        held_on=payload.held_on,
        notes=payload.notes,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return item


@router.post(
    "/flexible/requests/{request_id}/decision",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def decide_flexible(
    request: OrgRequest, request_id: int, payload: DecisionIn
) -> FlexibleWorkingRequest:
    """Refusing needs a consultation first (``consultation_required``) and only the eight
    statutory reasons (``refusal_not_allowed``)."""
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus(payload.outcome),
        by=request.user,
        today=timezone.localdate(),
        agreed_change=payload.agreed_change,
        refusal_reasons=payload.refusal_reasons,
        refusal_explanation=payload.refusal_explanation,
        trial_until=payload.trial_until,
        channel=Channel.API,
    )
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return item


@router.post(
    "/flexible/requests/{request_id}/extension",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def extend_flexible(
    request: OrgRequest, request_id: int, payload: ExtensionIn
) -> FlexibleWorkingRequest:
    """Record more time the employee agreed to (``extension_invalid`` unless it is later)."""
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    flexible_extension_record(
        request=item,
        extended_to=payload.extended_to,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return item


@router.post(
    "/flexible/requests/{request_id}/appeal",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def appeal_flexible(
    request: OrgRequest, request_id: int, payload: AppealIn
) -> FlexibleWorkingRequest:
    """The employee appeals a refusal, once (``appeal_not_open`` otherwise)."""
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    flexible_request_appeal(
        request=item, reason=payload.reason, by=request.user, channel=Channel.API
    )
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return item


@router.post(
    "/flexible/requests/{request_id}/withdraw",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def withdraw_flexible(request: OrgRequest, request_id: int) -> FlexibleWorkingRequest:
    """The employee withdraws while it waits; it still counts towards the year's requests."""
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    flexible_request_withdraw(request=item, by=request.user, channel=Channel.API)
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=request_id
    )
    return item


class PeriodsQuery(Schema):
    updated_since: AwareDatetime | None = Field(
        None,
        description=(
            "Only periods that changed at or after this time (ISO 8601 with a time zone). "
            "Keep the latest updated_at you received and send it, less a few minutes, next time."
        ),
    )
    cursor: SingleLine | None = Field(
        None, max_length=1000, description="The next_cursor of the previous page."
    )
    limit: int = Field(500, ge=1, le=1000)


class PeriodOut(Schema):
    reference: str = Field(
        description="Stable and unique across both kinds of leave: update the row you hold."
    )
    staff_id: int
    staff_number: str
    name: str
    unit: str
    first_day: date
    last_day: date
    days: Decimal
    parts: list[DayOut] = Field(
        description="Each day and its part, for carer's leave the reader may see the kind of."
    )
    hours: Decimal = Field(description="Days times the person's contracted hours a day.")
    status: str = Field(
        description=(
            "requested, accepted, postponed or cancelled (carer's leave), recorded (time off "
            "for dependants); requested, booked or cancelled where kind is null."
        )
    )
    kind: Literal["carers_leave", "dependants_time_off"] | None = Field(
        description="Null unless the token's owner may see the kind of this person's leave."
    )
    updated_at: datetime


class PeriodsPage(Schema):
    items: list[PeriodOut]
    next_cursor: str | None


@router.get(
    "/periods",
    auth=BearerToken("leave.export_leave"),
    response={200: PeriodsPage, **ERRORS},
    tags=["payroll"],
)
def list_leave_periods(request: OrgRequest, filters: Query[PeriodsQuery]) -> PeriodsPage:
    """The organisation's carer's leave and time off for dependants for HR and payroll
    systems, oldest change first, a page at a time (docs/api.md#leave-for-payroll)."""
    try:
        cursor = payroll.Cursor.decode(filters.cursor) if filters.cursor else None
    except ValueError:
        raise ApiProblem(
            422, "invalid_cursor", "Not a cursor", "Send next_cursor exactly as it was given."
        ) from None
    page = payroll.changes_since(
        viewer=request.user,
        organisation=request.organisation,
        since=filters.updated_since,
        cursor=cursor,
        limit=filters.limit,
        today=timezone.localdate(),
    )
    payroll.audit_changes_read(
        viewer=request.user,
        organisation=request.organisation,
        since=filters.updated_since,
        page=page,
    )
    return PeriodsPage(
        items=[
            PeriodOut(
                **{
                    **row.__dict__,
                    "parts": [DayOut(day=day, part=DayPart(part)) for day, part in row.parts],
                }
            )
            for row in page.rows
        ],
        next_cursor=page.next_cursor,
    )
