"""Carer's leave in the API: the same services and rules as the pages.

A refusal by the rules is a 422 problem whose ``code`` is the rule's stable code
(``insufficient_notice``, ``entitlement_exceeded``, ``not_available_in_nation``,
``postponement_beyond_one_month``…). There is no refuse route: the law has none.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from api.auth import BearerToken
from api.schemas import Problem
from audit.models import Action, Channel
from audit.services import audit_record
from carershub.types import OrgRequest
from leave.flexible import (
    REFUSAL_CODES,
    consultation_record,
    flexible_access,
    flexible_request_decide,
    flexible_request_submit,
)
from leave.models import (
    CarersLeaveRequest,
    DayPart,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from leave.selectors import (
    balance_for,
    flexible_request_in,
    request_access,
    request_with_history,
    requests_of,
)
from leave.services import carers_leave_accept, carers_leave_postpone, carers_leave_request
from organisations.models import StaffRecord
from organisations.selectors import staff_record_for_user

router = Router(tags=["leave"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
MEMBER = BearerToken("organisations.use_organisation")


class DayIn(Schema):
    day: date
    part: DayPart = DayPart.FULL


class RequestIn(Schema):
    days: list[DayIn] = Field(min_length=1, max_length=7)
    note: str = Field("", max_length=500)
    staff_id: int | None = Field(
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
    reason: str = Field(min_length=1, max_length=2000)


def _own(request: OrgRequest) -> StaffRecord:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is None:
        raise PermissionDenied("The token's owner has no staff record here")
    return record


def _visible(request: OrgRequest, request_id: int) -> CarersLeaveRequest:
    """The request if the token's owner may see it; another organisation's id is a 404."""
    leave = request_with_history(pk=request_id, organisation_id=request.organisation.pk)
    if leave is None:
        raise Http404
    if not request_access(user=request.user, request=leave)["view"]:
        raise PermissionDenied
    return leave


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
        found = StaffRecord.objects.filter(
            pk=payload.staff_id, organisation=request.organisation
        ).first()
        if found is None:
            raise Http404
        staff = found
    leave = carers_leave_request(
        staff=staff,
        days=[(d.day, d.part) for d in payload.days],
        note=payload.note,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    return Status(201, _visible(request, leave.pk))


@router.get("/carers/requests/{request_id}", auth=MEMBER, response={200: RequestOut, **ERRORS})
def get_carers_leave(request: OrgRequest, request_id: int) -> CarersLeaveRequest:
    leave = _visible(request, request_id)
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
    leave = _visible(request, request_id)
    carers_leave_accept(request=leave, by=request.user, channel=Channel.API)
    return _visible(request, request_id)


@router.post(
    "/carers/requests/{request_id}/postpone",
    auth=MEMBER,
    response={200: RequestOut, **WRITE_ERRORS},
)
def postpone_carers_leave(
    request: OrgRequest, request_id: int, payload: PostponeIn
) -> CarersLeaveRequest:
    leave = _visible(request, request_id)
    carers_leave_postpone(
        request=leave,
        by=request.user,
        new_first_day=payload.new_first_day,
        reason=payload.reason,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    return _visible(request, request_id)


# --- Flexible working ---------------------------------------------------------------


class FlexibleIn(Schema):
    change_requested: str = Field(min_length=1, max_length=3000)
    start_from: date


class ConsultationIn(Schema):
    held_on: date
    notes: str = Field(min_length=1, max_length=5000)


class DecisionIn(Schema):
    outcome: Literal["approved", "approved_changes", "refused"]
    agreed_change: str = Field("", max_length=3000)
    refusal_reasons: list[str] = Field(
        default_factory=list,
        description="Only the eight statutory codes: " + ", ".join(sorted(REFUSAL_CODES)),
    )
    refusal_explanation: str = Field("", max_length=3000)
    trial_until: date | None = None


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
    consultations: int

    @staticmethod
    def resolve_consultations(obj: FlexibleWorkingRequest) -> int:
        # Lists annotate the count; single reads count once.
        counted = getattr(obj, "consultation_count", None)
        return counted if counted is not None else obj.consultations.count()


def _flexible_visible(request: OrgRequest, request_id: int) -> FlexibleWorkingRequest:
    item = flexible_request_in(pk=request_id, organisation_id=request.organisation.pk)
    if item is None:
        raise Http404
    if not flexible_access(user=request.user, request=item)["view"]:
        raise PermissionDenied
    return item


@router.get("/flexible/requests", auth=MEMBER, response={200: list[FlexibleOut], **ERRORS})
def list_flexible(request: OrgRequest) -> list[FlexibleWorkingRequest]:
    """The token owner's own flexible-working requests, newest first."""
    return list(
        FlexibleWorkingRequest.objects.filter(staff=_own(request)).annotate(
            consultation_count=Count("consultations")
        )
    )


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
    return Status(201, _flexible_visible(request, item.pk))


@router.get("/flexible/requests/{request_id}", auth=MEMBER, response={200: FlexibleOut, **ERRORS})
def get_flexible(request: OrgRequest, request_id: int) -> FlexibleWorkingRequest:
    return _flexible_visible(request, request_id)


@router.post(
    "/flexible/requests/{request_id}/consultations",
    auth=MEMBER,
    response={200: FlexibleOut, **WRITE_ERRORS},
)
def consult_flexible(
    request: OrgRequest, request_id: int, payload: ConsultationIn
) -> FlexibleWorkingRequest:
    item = _flexible_visible(request, request_id)
    consultation_record(
        request=item,
        held_on=payload.held_on,
        notes=payload.notes,
        by=request.user,
        today=timezone.localdate(),
        channel=Channel.API,
    )
    return _flexible_visible(request, request_id)


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
    item = _flexible_visible(request, request_id)
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
    return _flexible_visible(request, request_id)
