"""Printable plans: HTML templates (``plans/templates/plans/pdf``) made tagged PDFs by
``shared.pdf``.

The organisational plan is landscape, in the layout of a council's strategy plan: one
table per priority, with the newest progress of each period and its RAG status written
out in words as well as coloured, so it reads in black and white too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import display_name
from plans.exports import RAG_LABELS
from plans.models import OrgPlan, PersonalPlan, PersonalPlanRow, Rag
from plans.selectors import PriorityBlock
from shared.dates import long_date
from shared.pdf import pdf_render

#: Landscape A4 less the margins, and the widths of the fixed columns (millimetres).
WIDTH = 269
FIXED = [16, 58, 38, 26, 22]


def _block(block: PriorityBlock) -> dict[str, Any]:
    priority = block.priority
    rows = []
    for row in block.rows:
        action = row.action
        latest: list[dict[str, str] | None] = []
        for entry in row.latest:
            if entry is None:
                latest.append(None)
                continue
            rag = Rag(entry.rag)
            latest.append(
                {
                    "rag": rag.value,
                    "label": RAG_LABELS[rag],
                    "text": entry.text,
                    "by": entry.by_name,
                    "at": long_date(entry.at),
                }
            )
        rows.append(
            {
                "number": action.number,
                "planned": action.planned_action,
                "what": action.what_we_will_do,
                "done": action.status == "done",
                "risks": action.risks,
                "owner": display_name(action.owner) if action.owner else "",
                "due": long_date(action.due_on) if action.due_on else "",
                "latest": latest,
            }
        )
    return {
        "heading": f"{priority.number}. {priority.title}".lstrip(". "),
        "aim": priority.aim,
        "rows": rows,
    }


def org_plan_pdf(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> bytes:
    periods = plan.periods or []
    period_width = (WIDTH - sum(FIXED)) / max(len(periods), 1)
    widths = [*FIXED, *([period_width] * len(periods))]
    return pdf_render(
        "plans/pdf/org_plan.html",
        {
            "plan": plan,
            "start": long_date(plan.period_start),
            "end": long_date(plan.period_end),
            "today": long_date(timezone.localdate()),
            "periods": periods,
            "widths": [round(100 * width / sum(widths), 2) for width in widths],
            "blocks": [_block(block) for block in blocks],
        },
        title=plan.title,
        author=plan.organisation.name,
        landscape=True,
    )


def personal_plan_pdf(plan: PersonalPlan, rows: Sequence[PersonalPlanRow]) -> bytes:
    return pdf_render(
        "plans/pdf/personal_plan.html",
        {
            "plan": plan,
            "owner": display_name(plan.owner),
            "rows": [
                {
                    "criterion": row.criterion_title,
                    "action": row.action,
                    "done": row.done,
                    "help": row.help_from,
                    "when": ", ".join(
                        part
                        for part in (long_date(row.due_on) if row.due_on else "", row.due_note)
                        if part
                    ),
                }
                for row in rows
            ],
            "first_step_on": long_date(plan.first_step_on) if plan.first_step_on else "",
        },
        title=_("My action plan: %(title)s") % {"title": plan.title},
        author=display_name(plan.owner),
    )
