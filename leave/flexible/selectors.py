"""Reads for the flexible-working pages and API: the access function that fetches one request
for a viewer, its history, and the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from leave.deputies import acting_for, managers_deputised
from leave.flexible.services import deciders
from leave.models import DecisionStage, FlexibleDecision, FlexibleStatus, FlexibleWorkingRequest
from organisations.models import Organisation, StaffRecord, StaffStatus


@dataclass(frozen=True)
class FlexibleAccess:
    """What the viewer may do with one flexible-working request; pages and the API read this."""

    is_owner: bool
    #: Consult, decide or record an extension: whoever decides it now (``deciders``).
    can_decide: bool
    #: Appeal a refusal, once: the employee, while in post.
    can_appeal: bool
    #: Withdraw it while it waits: the employee, while in post.
    can_withdraw: bool


def access_flexible_request(
    *, viewer: User, organisation: Organisation, pk: int
) -> tuple[FlexibleWorkingRequest, FlexibleAccess]:
    """The request, with its consultations and decisions, if the viewer may see it: the
    employee, their line manager and the line manager's manager (each while in post), HR,
    whoever decides it now, and a deputy standing in for the line manager today.

    Another organisation's request is a 404; a colleague's in this one is a 403.
    """
    request = (
        FlexibleWorkingRequest.objects.select_related(
            "staff__line_manager__line_manager", "staff__organisation", "decided_by"
        )
        .prefetch_related(
            "consultations__recorded_by",
            Prefetch(
                "decisions",
                queryset=FlexibleDecision.objects.select_related("decided_by", "acting_for"),
            ),
        )
        .filter(pk=pk, organisation_id=organisation.pk)
        .first()
    )
    if request is None:
        raise Http404
    staff = request.staff
    is_owner = staff.user_id == viewer.pk
    waiting = request.status in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED)
    can_decide = viewer.pk in deciders(request) and waiting
    is_hr = viewer.has_perm("leave.view_all_requests", organisation)
    manager = staff.line_manager
    is_manager = (
        manager is not None
        and manager.user_id == viewer.pk
        and manager.status == StaffStatus.ACTIVE
    )
    # The manager's manager hears appeals and is told when a deadline is close.
    senior = manager.line_manager if manager is not None else None
    is_senior = (
        senior is not None and senior.user_id == viewer.pk and senior.status == StaffStatus.ACTIVE
    )
    is_deputy = not is_owner and acting_for(user=viewer, manager=manager, on=timezone.localdate())
    if not (is_owner or is_manager or is_senior or is_hr or can_decide or is_deputy):
        raise PermissionDenied
    # Someone who has left can still read their request and its letter, and do no more.
    in_post = is_owner and staff.status == StaffStatus.ACTIVE
    return request, FlexibleAccess(
        is_owner=is_owner,
        can_decide=can_decide,
        can_appeal=in_post
        and request.status == FlexibleStatus.REFUSED
        and not request.appeal_reason,
        can_withdraw=in_post and waiting,
    )


def flexible_requests_of(*, staff: StaffRecord) -> QuerySet[FlexibleWorkingRequest]:
    """The person's own requests, newest first, with their consultations (the API counts them)."""
    return FlexibleWorkingRequest.objects.filter(staff=staff).prefetch_related("consultations")


def flexible_waiting_for(
    *, viewer: User, organisation: Organisation, record: StaffRecord | None, limit: int
) -> list[FlexibleWorkingRequest]:
    """Requests waiting for the viewer's decision, the soonest due first, at most ``limit``."""
    return list(
        flexible_waiting_queryset(viewer=viewer, organisation=organisation, record=record)[:limit]
    )


def flexible_waiting_queryset(
    *, viewer: User, organisation: Organisation, record: StaffRecord | None
) -> QuerySet[FlexibleWorkingRequest]:
    """Requests waiting for the viewer's decision, the soonest due first.

    The line manager decides a first request (or a deputy standing in today), the manager's
    manager hears an appeal; HR hears every appeal, and decides for people nobody in post
    manages. Nobody's own request is listed.
    """
    waiting = Q(
        staff__line_manager__user=viewer,
        staff__line_manager__status=StaffStatus.ACTIVE,
        status=FlexibleStatus.SUBMITTED,
    ) | Q(
        staff__line_manager__line_manager__user=viewer,
        staff__line_manager__line_manager__status=StaffStatus.ACTIVE,
        status=FlexibleStatus.APPEALED,
    )
    if record is not None:
        deputised = managers_deputised(deputy=record, on=timezone.localdate())
        waiting |= Q(staff__line_manager_id__in=deputised, status=FlexibleStatus.SUBMITTED)
    if viewer.has_perm("leave.view_all_requests", organisation):
        waiting |= Q(status=FlexibleStatus.APPEALED)
        waiting |= Q(status=FlexibleStatus.SUBMITTED) & (
            Q(staff__line_manager__isnull=True)
            | ~Q(staff__line_manager__status=StaffStatus.ACTIVE)
            | Q(staff__line_manager__user__isnull=True)
        )
    return (
        FlexibleWorkingRequest.objects.filter(waiting, organisation=organisation)
        .exclude(staff__user=viewer)
        .select_related("staff")
        # By the date shown in "Decide by": an agreed extension moves a request back.
        .order_by(Coalesce("extension_agreed_to", "decision_due"), "pk")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a flexible-working request's history, for its page and letter."""

    at: datetime
    kind: str  # "decision" or "appeal"
    decision: FlexibleDecision | None = None
    appeal_reason: str = ""
    #: A decision made after the decision period (with any extension) had ended.
    late: bool = False


def flexible_history(*, request: FlexibleWorkingRequest) -> list[HistoryEntry]:
    """Every decision and the appeal, in order. Uses the prefetched decisions."""
    entries = [
        HistoryEntry(
            at=d.decided_at,
            kind="decision",
            decision=d,
            late=timezone.localdate(d.decided_at) > request.deadline,
        )
        for d in request.decisions.all()
    ]
    if request.appeal_reason:
        # An appeal made before its time was kept sits just after the first decision.
        first = entries[0].at if entries else request.created_at
        entries.append(
            HistoryEntry(
                at=request.appealed_at or first,
                kind="appeal",
                appeal_reason=request.appeal_reason,
            )
        )

    def key(entry: HistoryEntry) -> tuple[int, datetime]:
        # First decision, then the appeal, then the appeal's decision, whatever the clocks say.
        if entry.decision is None:
            return (1, entry.at)
        return (2 if entry.decision.stage == DecisionStage.APPEAL else 0, entry.at)

    return sorted(entries, key=key)


def flexible_in_organisation(
    *, organisation_id: int, status: str = ""
) -> QuerySet[FlexibleWorkingRequest]:
    """Every flexible-working request of one organisation, newest first (HR's list)."""
    requests = FlexibleWorkingRequest.objects.filter(organisation_id=organisation_id)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("staff", "staff__unit").order_by("-received_on", "-pk")
