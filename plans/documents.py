"""Printable plans (reportlab, pure Python, so no system packages are needed).

The organisational plan is landscape, in the layout of a council's strategy plan: one
table per priority, with the newest progress of each period and its RAG status written
out in words as well as coloured, so it reads in black and white too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from accounts.selectors import display_name
from plans.exports import RAG_LABELS
from plans.models import OrgPlan, PersonalPlan, PersonalPlanRow, Rag
from plans.selectors import PriorityBlock
from shared.dates import long_date
from shared.pdf import BOLD, pdf_build, pdf_styles, pdf_table, pdf_text

MARGIN = 14 * mm
RAG_COLOURS = {Rag.RED: "#d4351c", Rag.AMBER: "#b45309", Rag.GREEN: "#00703c"}
RULE = "#b1b4b6"


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    return pdf_table(
        rows,
        widths,
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
            ]
        ),
    )


def org_plan_pdf(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> bytes:
    styles = pdf_styles()
    body = styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    head = styles["BodyText"].clone("head", fontSize=8, leading=10, fontName=BOLD)
    width = landscape(A4)[0] - 2 * MARGIN
    fixed = [16 * mm, 62 * mm, 38 * mm, 26 * mm, 18 * mm]
    periods = plan.periods or []
    period_width = (width - sum(fixed)) / max(len(periods), 1)
    story: list[Any] = [
        Paragraph(pdf_text(plan.title), styles["Title"]),
        Paragraph(
            f"{pdf_text(plan.organisation.name)}. From {long_date(plan.period_start)} to "
            f"{long_date(plan.period_end)}. Printed {long_date(timezone.localdate())}.",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    header = [
        Paragraph(text, head)
        for text in ["Action point", "Planned action and what we will do", "Risks", "Owner", "Due"]
    ] + [Paragraph(pdf_text(period), head) for period in periods]
    for block in blocks:
        priority = block.priority
        story.append(
            Paragraph(
                pdf_text(f"{priority.number}. {priority.title}".lstrip(". ")), styles["Heading2"]
            )
        )
        if priority.aim:
            story.append(Paragraph("<b>Aim:</b> " + pdf_text(priority.aim), body))
        if not block.rows:
            story.append(Paragraph("No action points yet.", body))
            continue
        rows: list[list[Any]] = [header]
        for row in block.rows:
            action = row.action
            planned = "<b>" + pdf_text(action.planned_action) + "</b>"
            if action.what_we_will_do:
                planned += "<br/>" + pdf_text(action.what_we_will_do)
            if action.status == "done":
                planned += "<br/><i>Done</i>"
            cells = [
                Paragraph(pdf_text(action.number), small),
                Paragraph(planned, small),
                Paragraph(pdf_text(action.risks) or "-", small),
                Paragraph(pdf_text(display_name(action.owner)) if action.owner else "-", small),
                Paragraph(long_date(action.due_on) if action.due_on else "-", small),
            ]
            for entry in row.latest:
                if entry is None:
                    cells.append(Paragraph("-", small))
                    continue
                rag = Rag(entry.rag)
                cells.append(
                    Paragraph(
                        f'<font color="{RAG_COLOURS[rag]}"><b>{RAG_LABELS[rag]}</b></font><br/>'
                        f"{pdf_text(entry.text)}<br/><i>{pdf_text(entry.by_name)}, "
                        f"{long_date(entry.at)}</i>",
                        small,
                    )
                )
            rows.append(cells)
        story += [_table(rows, fixed + [period_width] * len(periods)), Spacer(1, 4 * mm)]
    return pdf_build(
        story,
        title=plan.title,
        author=plan.organisation.name,
        pagesize=landscape(A4),
        margin=MARGIN,
    )


def personal_plan_pdf(plan: PersonalPlan, rows: Sequence[PersonalPlanRow]) -> bytes:
    styles = pdf_styles()
    body, heading = styles["BodyText"], styles["Heading2"]
    small = styles["BodyText"].clone("small", fontSize=9, leading=11)
    story: list[Any] = [
        Paragraph("My action plan", styles["Title"]),
        Paragraph(
            f"{pdf_text(plan.title)}. {pdf_text(display_name(plan.owner))}, "
            f"{pdf_text(plan.organisation.name)}.",
            body,
        ),
        Paragraph("My long-term goal", heading),
        Paragraph(pdf_text(plan.goal) or "Not written yet.", body),
        Paragraph("What I am going to do", heading),
    ]
    table_rows: list[list[Any]] = [
        [
            Paragraph(f"<b>{text}</b>", small)
            for text in ["Criterion", "What I am going to do", "Help or advice", "When"]
        ]
    ]
    for row in rows:
        when = ", ".join(
            part for part in (long_date(row.due_on) if row.due_on else "", row.due_note) if part
        )
        action = pdf_text(row.action) + ("<br/><i>Done</i>" if row.done else "")
        table_rows.append(
            [
                Paragraph(pdf_text(row.criterion_title) or "-", small),
                Paragraph(action, small),
                Paragraph(pdf_text(row.help_from) or "-", small),
                Paragraph(pdf_text(when) or "-", small),
            ]
        )
    if len(table_rows) == 1:
        story.append(Paragraph("No rows yet.", body))
    else:
        story.append(_table(table_rows, [40 * mm, 62 * mm, 50 * mm, 30 * mm]))
    first_step = pdf_text(plan.first_step) or "Not written yet."
    if plan.first_step_on:
        first_step += f" (by {long_date(plan.first_step_on)})"
    story += [
        Paragraph("The first step I am going to take", heading),
        Paragraph(first_step, body),
    ]
    return pdf_build(
        story,
        title=f"My action plan: {plan.title}",
        author=display_name(plan.owner),
        margin=MARGIN,
    )
