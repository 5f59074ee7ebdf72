"""What a benchmark self-assessment hands to the action plan: one unmet requirement.

Kept as a plain value so ``benchmarks`` can produce gaps and ``plans`` can turn them into
actions without either importing the other's models.
"""

from __future__ import annotations

from dataclasses import dataclass


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
