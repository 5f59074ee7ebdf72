"""Printable plans (reportlab, pure Python, so no system packages are needed).

The organisational plan is landscape, in the layout of a council's strategy plan: one
table per priority, with the newest progress of each period and its RAG status written
out in words as well as coloured, so it reads in black and white too.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts.selectors import display_name
from carershub.dates import long_date
from plans.exports import RAG_LABELS
from plans.models import OrgPlan, PersonalPlan, PersonalPlanRow, Rag
from plans.selectors import PriorityBlock

MARGIN = 14 * mm
RAG_COLOURS = {Rag.RED: "#d4351c", Rag.AMBER: "#b45309", Rag.GREEN: "#00703c"}
RULE = "#b1b4b6"


def _escape(text: object) -> str:
    value = "" if text is None else str(text)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def _build(title: str, author: str, story: list[Any], *, pagesize: Any = A4) -> bytes:
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        author=author,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    ).build(story)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
            ]
        )
    )
    return table


def org_plan_pdf(plan: OrgPlan, blocks: Sequence[PriorityBlock]) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    head = styles["BodyText"].clone("head", fontSize=8, leading=10, fontName="Helvetica-Bold")
    width = landscape(A4)[0] - 2 * MARGIN
    fixed = [16 * mm, 62 * mm, 38 * mm, 26 * mm, 18 * mm]
    periods = plan.periods or []
    period_width = (width - sum(fixed)) / max(len(periods), 1)
    story: list[Any] = [
        Paragraph(_escape(plan.title), styles["Title"]),
        Paragraph(
            f"{_escape(plan.organisation.name)}. From {long_date(plan.period_start)} to "
            f"{long_date(plan.period_end)}. Printed {long_date(timezone.localdate())}.",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    header = [
        Paragraph(text, head)
        for text in ["Action point", "Planned action and what we will do", "Risks", "Owner", "Due"]
    ] + [Paragraph(_escape(period), head) for period in periods]
    for block in blocks:
        priority = block.priority
        story.append(
            Paragraph(
                _escape(f"{priority.number}. {priority.title}".lstrip(". ")), styles["Heading2"]
            )
        )
        if priority.aim:
            story.append(Paragraph("<b>Aim:</b> " + _escape(priority.aim), body))
        if not block.rows:
            story.append(Paragraph("No action points yet.", body))
            continue
        rows: list[list[Any]] = [header]
        for row in block.rows:
            action = row.action
            planned = "<b>" + _escape(action.planned_action) + "</b>"
            if action.what_we_will_do:
                planned += "<br/>" + _escape(action.what_we_will_do)
            if action.status == "done":
                planned += "<br/><i>Done</i>"
            cells = [
                Paragraph(_escape(action.number), small),
                Paragraph(planned, small),
                Paragraph(_escape(action.risks) or "-", small),
                Paragraph(_escape(display_name(action.owner)) if action.owner else "-", small),
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
                        f"{_escape(entry.text)}<br/><i>{_escape(entry.by_name)}, "
                        f"{long_date(entry.at)}</i>",
                        small,
                    )
                )
            rows.append(cells)
        story += [_table(rows, fixed + [period_width] * len(periods)), Spacer(1, 4 * mm)]
    return _build(plan.title, plan.organisation.name, story, pagesize=landscape(A4))


def personal_plan_pdf(plan: PersonalPlan, rows: Sequence[PersonalPlanRow]) -> bytes:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    small = styles["BodyText"].clone("small", fontSize=9, leading=11)
    story: list[Any] = [
        Paragraph("My action plan", styles["Title"]),
        Paragraph(
            f"{_escape(plan.title)}. {_escape(display_name(plan.owner))}, "
            f"{_escape(plan.organisation.name)}.",
            body,
        ),
        Paragraph("My long-term goal", heading),
        Paragraph(_escape(plan.goal) or "Not written yet.", body),
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
        action = _escape(row.action) + ("<br/><i>Done</i>" if row.done else "")
        table_rows.append(
            [
                Paragraph(_escape(row.criterion_title) or "-", small),
                Paragraph(action, small),
                Paragraph(_escape(row.help_from) or "-", small),
                Paragraph(_escape(when) or "-", small),
            ]
        )
    if len(table_rows) == 1:
        story.append(Paragraph("No rows yet.", body))
    else:
        story.append(_table(table_rows, [40 * mm, 62 * mm, 50 * mm, 30 * mm]))
    first_step = _escape(plan.first_step) or "Not written yet."
    if plan.first_step_on:
        first_step += f" (by {long_date(plan.first_step_on)})"
    story += [
        Paragraph("The first step I am going to take", heading),
        Paragraph(first_step, body),
    ]
    return _build(f"My action plan: {plan.title}", display_name(plan.owner), story)
