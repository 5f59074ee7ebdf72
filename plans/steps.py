"""What another app gets back when it puts one step into a person's own plan.

Plain values (``plans.public`` offers them), so the caller never holds a plan's rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanStep:
    """Where a step is in the person's personal plans: the plan's id and name."""

    plan_id: int
    plan_title: str


@dataclass(frozen=True)
class StepAdded:
    step: PlanStep
    #: False when the plan already held the same step (nothing was written).
    added: bool
    #: True when the person had no personal plan here and one was made for the step.
    plan_created: bool
