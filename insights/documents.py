"""The board report: one PDF for the organisation's board or the health and wellbeing board.

It carries the month's headline figures, every chart of the figures page (bars and columns
drawn in CSS) beside its data table and summary, where the organisation stands on each
benchmark framework, the strategy plan's red, amber and green summary, and what changed
since last month. Every figure is the ``Report``'s, made safe by ``insights.disclosure``:
a hidden figure draws no bar and says "fewer than 5" or "not shown", never a number. The
template is ``insights/pdf/board_report.html``; ``shared.pdf`` makes it a tagged PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benchmarks.public import FrameworkPosition
from insights import exports
from insights.changes import Change
from insights.charts import Chart
from insights.report import Report
from plans.public import PlanRag
from shared.pdf import pdf_render

#: How long a full bar is, and how tall a full column (millimetres).
BAR_LENGTH = 48
COLUMN_HEIGHT = 34


@dataclass(frozen=True)
class BoardReport:
    """Everything the board report shows, gathered by the view from each app's public reads."""

    organisation_name: str
    report: Report
    charts: Sequence[Chart]
    positions: Sequence[FrameworkPosition]
    plan: PlanRag | None
    #: None when last month's figures were not taken.
    changes: Sequence[Change] | None
    printed_on: date


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _percent(widths: Sequence[float]) -> list[float]:
    """Column widths given in millimetres, as shares of the line."""
    total = sum(widths)
    return [round(100 * width / total, 2) for width in widths]


def _chart(chart: Chart) -> dict[str, Any]:
    rest = [(174 - 60) / max(len(chart.headings) - 1, 1)] * (len(chart.headings) - 1)
    return {
        "title": chart.title,
        "summary": chart.summary,
        "headings": chart.headings,
        "rows": chart.rows,
        "widths": _percent([60, *rest]),
        "bars": [
            {
                "label": bar.label,
                "text": bar.text,
                "length": bar.length,
                "width": round(BAR_LENGTH * bar.length / 100, 2) if bar.length else 0,
            }
            for bar in chart.bars
        ],
        "columns": [
            {
                "label": column.label,
                "text": column.text,
                "height": column.height,
                "tall": round(COLUMN_HEIGHT * (column.height or 0) / 100, 2),
            }
            for column in chart.columns
        ],
    }


def _headline(report: Report) -> list[tuple[str, str]]:
    share = f"{report.carers.percent}%" if report.carers.percent is not None else _("not shown")
    rows = [
        (_("Staff in post"), report.carers.staff.label),
        (_("Carers who chose to be counted"), report.carers.carers.label),
        (_("Share of staff counted as carers"), share),
    ]
    rows += [(line.label, line.figure.label) for line in report.headline() if line.key != "carers"]
    rows.append((_("Flexible-working requests in the last year"), report.flexible_received.label))
    return rows


def _positions(positions: Sequence[FrameworkPosition]) -> list[tuple[str, str, str]]:
    return [
        (
            position.framework_name,
            position.describe,
            _day(position.on) if position.on else "",
        )
        for position in positions
    ]


def _plan(plan: PlanRag) -> list[tuple[str, str]]:
    return [
        (_("Red: off track"), f"{plan.red:,}"),
        (_("Amber: at risk"), f"{plan.amber:,}"),
        (_("Green: on track"), f"{plan.green:,}"),
        (_("Open, no progress reported yet"), f"{plan.not_reported:,}"),
        (_("Done"), f"{plan.done:,}"),
        (_("All actions"), f"{plan.actions:,}"),
    ]


def _other_figures(report: Report) -> list[tuple[str, str, str]]:
    """The figures the charts do not draw: passports, leave, flexible working, training and
    the network, as the CSV export lists them."""
    charted = {
        str(_("Carers counted")),
        str(_("Staff in post")),
        str(_("Carers by site")),
        str(_("Carers by unit")),
        str(_("Carers by contracted hours")),
        str(_("Carers by nation")),
        str(_("Carers counted, month by month")),
    }
    return [
        (section, what, figure + (f" ({share})" if share else ""))
        for section, what, figure, share in exports.rows_of(report)
        if section not in charted
    ]


def board_report_pdf(board: BoardReport) -> bytes:
    report = board.report
    month = date_format(report.month, "F Y")
    plan = board.plan
    context: dict[str, Any] = {
        "board": board,
        "as_at": _("Figures for %(month)s, as at %(day)s. Printed on %(printed)s.")
        % {"month": month, "day": _day(report.as_at), "printed": _day(board.printed_on)},
        "headline": ((_("Figure"), _("This month")), _headline(report)),
        "headline_widths": _percent([120, 54]),
        "national": _(
            "Nationally about one worker in seven (%(national)s%%) combines work with "
            "unpaid care (Carers UK, 2019)."
        )
        % {"national": report.national_share},
        "changes": None
        if board.changes is None
        else (
            (_("Figure"), _("Last month"), _("This month"), _("Change")),
            [(c.label, c.before, c.now, c.change) for c in board.changes],
        ),
        "changes_widths": _percent([62, 28, 28, 56]),
        "positions": ((_("Framework"), _("Level"), _("Date")), _positions(board.positions))
        if board.positions
        else None,
        "positions_widths": _percent([64, 70, 40]),
        "plan": ((_("Status"), _("Actions")), _plan(plan)) if plan else None,
        "plan_line": _("%(title)s, %(start)s to %(end)s. Actions by their newest status:")
        % {"title": plan.title, "start": _day(plan.period_start), "end": _day(plan.period_end)}
        if plan
        else "",
        "charts": [_chart(chart) for chart in board.charts],
        "others": ((_("Section"), _("What"), _("Figure")), _other_figures(report)),
        "others_widths": _percent([40, 94, 40]),
    }
    return pdf_render(
        "insights/pdf/board_report.html",
        context,
        title=_("Working carers: board report, %(month)s") % {"month": month},
        author=board.organisation_name,
    )
