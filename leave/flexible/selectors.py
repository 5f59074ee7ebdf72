"""Reads for the flexible-working pages and API: one request with its history, and HR's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from leave.models import DecisionStage, FlexibleDecision, FlexibleWorkingRequest


def flexible_request_in(*, pk: int, organisation_id: int) -> FlexibleWorkingRequest | None:
    """One organisation's flexible-working request with what its pages and API show."""
    return (
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
        .filter(pk=pk, organisation_id=organisation_id)
        .first()
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
