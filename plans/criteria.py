"""Benchmark criteria a plan row or action can point at, and the self-assessments an action
can say it came from.

Plans does not read benchmark frameworks or assessments: the app that holds them offers
them once, when it starts (``offer_criteria``, called from benchmarks' ``AppConfig.ready``),
so the dependency points one way (``plans.public``). Without an offer the pickers are empty
and no assessment id is accepted. Rows keep the criterion's title as well as its
reference, so a plan still reads well after a framework file changes or is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from organisations.models import Organisation


@dataclass(frozen=True)
class Criterion:
    ref: str  #: ``"<framework slug>:<criterion key>"``
    title: str


@dataclass(frozen=True)
class FrameworkCriteria:
    name: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class CriteriaSource:
    """What the app holding the frameworks tells plans; each is asked when needed, so a
    framework file loaded later is seen."""

    #: Each framework's criteria, in the framework's order.
    criteria: Callable[[], Sequence[FrameworkCriteria]]
    #: Whether an id is one of the organisation's own self-assessments.
    is_assessment_of: Callable[[Organisation, int], bool]


_offered: list[CriteriaSource] = []


def offer_criteria(source: CriteriaSource) -> None:
    """Make ``source`` the one plans asks; a second offer replaces the first."""
    _offered[:] = [source]


def framework_criteria() -> list[FrameworkCriteria]:
    """Each framework's criteria, in the framework's order."""
    return [group for source in _offered for group in source.criteria()]


def criterion_titles() -> dict[str, str]:
    """Every known criterion's title by reference."""
    return {c.ref: c.title for group in framework_criteria() for c in group.criteria}


def is_assessment_of(organisation: Organisation, assessment_id: int) -> bool:
    """Whether ``assessment_id`` is a self-assessment of ``organisation``."""
    return any(source.is_assessment_of(organisation, assessment_id) for source in _offered)
