"""What other feature apps may use from plans; nothing else in the app is theirs to import.

Benchmarks uses plans, never the other way round. A plan stands on its own (people write
personal and organisation plans by hand), while a self-assessment is what finds gaps worth
planning for, and its page is where someone turns them into actions. So benchmarks hands
plans its gaps (``Gap``) and asks which plans already hold them; plans keeps the criterion
references, titles and assessment ids it is given as plain values. The criteria its forms
offer, and whether an assessment id is the organisation's own, are offered to plans when
benchmarks starts (``offer_criteria``) instead of being read from benchmarks: plans imports
nothing of benchmarks, so the two never depend on each other both ways.

Learning hands plans the first step a learner wrote in their reflection log
(``personal_plan_add_step``), and asks whether it is in one of their plans already
(``personal_plan_with_step``): the step becomes a row of the learner's own plan, private to
them like the rest of it.

Communications suggests actions for an awareness day (Carers Week, Carers Rights Day) and
puts one into the organisation's plan when HR asks (``suggestion_into_plan``), asking which
are in a plan already (``suggestions_in_plans``) and whether the reader may add any
(``may_change_org_plans``), so it never shows a button that would be refused.

Insight's board report shows the organisation plan's actions counted by their newest red,
amber or green status (``org_plan_rag``): numbers of actions, never their text or owners.
"""

from __future__ import annotations

from plans.criteria import CriteriaSource, Criterion, FrameworkCriteria, offer_criteria
from plans.gaps import Gap, GapsAdded, PlanOption, PlanSummary
from plans.selectors import (
    PlanRag,
    latest_plan_made_from,
    may_change_org_plans,
    org_plan_rag,
    personal_plan_with_step,
    plan_options_for_gaps,
    suggestions_in_plans,
)
from plans.services import (
    PlanMadeMeanwhile,
    gaps_into_plan,
    personal_plan_add_step,
    suggestion_into_plan,
)
from plans.steps import PlanStep, StepAdded
from plans.suggestions import SuggestedAction, SuggestionAdded

__all__ = [
    "CriteriaSource",
    "Criterion",
    "FrameworkCriteria",
    "Gap",
    "GapsAdded",
    "PlanMadeMeanwhile",
    "PlanOption",
    "PlanRag",
    "PlanStep",
    "PlanSummary",
    "StepAdded",
    "SuggestedAction",
    "SuggestionAdded",
    "gaps_into_plan",
    "latest_plan_made_from",
    "may_change_org_plans",
    "offer_criteria",
    "org_plan_rag",
    "personal_plan_add_step",
    "personal_plan_with_step",
    "plan_options_for_gaps",
    "suggestion_into_plan",
    "suggestions_in_plans",
]
