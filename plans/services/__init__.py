"""Writes to action plans. Pages, the API, commands and ``benchmarks`` (through
``plans.public``) all come here; the modules follow the pages: ``personal``, ``org`` and
``gaps`` (from a self-assessment).

Every write checks who may make it (the API and other apps call these too), runs in a
transaction and is audited. Edits carry the version the person was looking at: if
someone else saved in between, nothing is written and ``PlanConflict`` says who changed
it and when (trust rule 8).
"""

from __future__ import annotations

from plans.services._common import PlanConflict, ProgressKept
from plans.services.gaps import PlanMadeMeanwhile, gaps_into_plan, org_plan_add_gaps
from plans.services.org import (
    MAX_PERIODS,
    ActionInput,
    action_create,
    action_delete,
    action_update,
    financial_years,
    org_plan_create,
    org_plan_delete,
    org_plan_update,
    priority_create,
    priority_delete,
    priority_update,
    progress_add,
)
from plans.services.personal import (
    MAX_ROWS,
    RowInput,
    personal_plan_add_step,
    personal_plan_create,
    personal_plan_delete,
    personal_plan_share,
    personal_plan_unshare,
    personal_plan_update,
)
from plans.services.suggested import suggestion_into_plan

__all__ = [
    "MAX_PERIODS",
    "MAX_ROWS",
    "ActionInput",
    "PlanConflict",
    "PlanMadeMeanwhile",
    "ProgressKept",
    "RowInput",
    "action_create",
    "action_delete",
    "action_update",
    "financial_years",
    "gaps_into_plan",
    "org_plan_add_gaps",
    "org_plan_create",
    "org_plan_delete",
    "org_plan_update",
    "personal_plan_add_step",
    "personal_plan_create",
    "personal_plan_delete",
    "personal_plan_share",
    "personal_plan_unshare",
    "personal_plan_update",
    "priority_create",
    "priority_delete",
    "priority_update",
    "progress_add",
    "suggestion_into_plan",
]
