"""What a benchmark self-assessment hands to the action plans, and what it gets back.

Plain values, so ``benchmarks`` can produce gaps and ``plans`` can turn them into actions
without either reading the other's tables (``plans.public`` says which way the dependency
points).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from plans.models import OrgPlan


@dataclass(frozen=True)
class Gap:
    """One requirement an assessment did not meet, at the level it belongs to."""

    #: ``"<framework slug>:<criterion key>"``, e.g. ``"carer-positive:identification"``.
    criterion_ref: str
    criterion_title: str
    #: ``"<framework slug>:<criterion key>:<requirement key>"``: stable across versions.
    requirement_ref: str
    #: The requirement in the framework's words; it becomes the action's title.
    requirement_text: str
    level_name: str
    #: The assessment the gap came from, so an action links back to its evidence.
    assessment_id: int | None = None


@dataclass(frozen=True)
class PlanSummary:
    """An organisation's action plan as another app may show it."""

    id: int
    title: str
    period_start: date
    period_end: date

    @classmethod
    def of(cls, plan: OrgPlan) -> PlanSummary:
        return cls(plan.pk, plan.title, plan.period_start, plan.period_end)


@dataclass(frozen=True)
class PlanOption:
    """One of the organisation's plans the gaps could go into."""

    plan: PlanSummary
    #: How many of the gaps already have an open action in it (they are not added again).
    covered: int
    #: It holds actions made from one of the assessments the caller named (an earlier run
    #: of the same framework).
    from_assessments: bool


@dataclass(frozen=True)
class GapsAdded:
    plan: PlanSummary
    created: bool
    #: Actions added; gaps that already had an open action in the plan are not counted.
    added: int
