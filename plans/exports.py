"""Plans as spreadsheets (CSV, XLSX through tablib), laid out like the plans people keep
today: priority, action point, what we will do, risks, owner, due, and progress per period.

Every typed value goes through ``safe_cell`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

import tablib

from accounts.selectors import display_name
from plans.models import OrgPlan, PersonalPlan, PersonalPlanRow, Rag
from plans.selectors import PriorityBlock
from shared.dates import long_date
from shared.spreadsheets import safe_cell, sheet_title

RAG_LABELS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}
XLSX_COLUMN_WIDTH = 32


def org_plan_dataset(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> tablib.Dataset:
    headers = [
        "Priority",
        "Aim",
        "Action point",
        "Planned action",
        "What we will do",
        "Risks",
        "Owner",
        "Due",
        "Status",
        "Criterion",
    ]
    for period in plan.periods:
        headers += [f"{period} status", f"{period} progress"]
    dataset = tablib.Dataset(headers=headers, title=sheet_title(plan.title, default="Plan"))
    for block in blocks:
        priority = block.priority
        if not block.rows:
            dataset.append(
                [safe_cell(f"{priority.number} {priority.title}".strip()), safe_cell(priority.aim)]
                + [""] * (len(headers) - 2)
            )
        for row in block.rows:
            action = row.action
            cells = [
                f"{priority.number} {priority.title}".strip(),
                priority.aim,
                action.number,
                action.planned_action,
                action.what_we_will_do,
                action.risks,
                display_name(action.owner) if action.owner else "",
                action.due_on,
                action.get_status_display(),
                action.criterion_title,
            ]
            for entry in row.latest:
                if entry is None:
                    cells += ["", ""]
                else:
                    cells += [
                        RAG_LABELS.get(Rag(entry.rag), entry.rag),
                        f"{entry.text} ({entry.by_name}, {long_date(entry.at)})",
                    ]
            dataset.append([safe_cell(cell) for cell in cells])
    return dataset


def org_plan_csv(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> str:
    return str(org_plan_dataset(plan, blocks).export("csv"))


def org_plan_xlsx(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> bytes:
    return bytes(org_plan_dataset(plan, blocks).export("xlsx", column_width=XLSX_COLUMN_WIDTH))


def personal_plan_dataset(plan: PersonalPlan, rows: Sequence[PersonalPlanRow]) -> tablib.Dataset:
    """One line for the goal, one per row, one for the first step: the course's layout."""
    dataset = tablib.Dataset(
        headers=[
            "Part",
            "Criterion",
            "What I am going to do",
            "Where I will go for help or advice",
            "When",
            "Done",
        ],
        title="My action plan",
    )
    dataset.append([safe_cell(c) for c in ["My long-term goal", "", plan.goal, "", "", ""]])
    for row in rows:
        when = ", ".join(part for part in (safe_cell(row.due_on), row.due_note) if part)
        dataset.append(
            [
                safe_cell(c)
                for c in [
                    "Action",
                    row.criterion_title,
                    row.action,
                    row.help_from,
                    when,
                    "Yes" if row.done else "No",
                ]
            ]
        )
    dataset.append(
        [
            safe_cell(c)
            for c in [
                "The first step I am going to take",
                "",
                plan.first_step,
                "",
                plan.first_step_on,
                "",
            ]
        ]
    )
    return dataset


def personal_plan_csv(plan: PersonalPlan, rows: Sequence[PersonalPlanRow]) -> str:
    return str(personal_plan_dataset(plan, rows).export("csv"))
