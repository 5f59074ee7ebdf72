"""What another app hands plans when it suggests one action for the organisation's plan, and
what it gets back. Plain values (``plans.public`` offers them), so the caller never holds a
plan's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from plans.gaps import PlanSummary


@dataclass(frozen=True)
class SuggestedAction:
    """One action suggested by another app, such as an awareness day's "hold a coffee
    morning"."""

    #: Stable and unique per suggestion ("awareness:carers-week:2026:coffee-morning"): kept
    #: on the action as its ``requirement_ref``, so the same suggestion is never added twice.
    ref: str
    planned_action: str
    what_we_will_do: str
    #: The priority the action goes under; made if the plan has none with this title.
    priority_title: str
    due_on: date | None = None


@dataclass(frozen=True)
class SuggestionAdded:
    plan: PlanSummary
    #: False when one of the organisation's plans already held the suggestion.
    added: bool
    #: True when the organisation had no plan and one was made for the suggestion.
    plan_created: bool
