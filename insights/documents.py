"""The board report: one PDF for the organisation's board or the health and wellbeing board.

It carries the month's headline figures, every chart of the figures page drawn with
reportlab's graphics beside its data table and summary, where the organisation stands on
each benchmark framework, the strategy plan's red, amber and green summary, and what changed
since last month. Every figure is the ``Report``'s, made safe by ``insights.disclosure``:
a hidden figure draws no bar and says "fewer than 5" or "not shown", never a number. The
shared set-up (typeface, styles, escaping) is ``shared.pdf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle

from benchmarks.public import FrameworkPosition
from insights import exports
from insights.changes import Change
from insights.charts import Bar, Chart, Column
from insights.report import Report
from plans.public import PlanRag
from shared.pdf import BOLD, FONT, pdf_build, pdf_plain, pdf_styles, pdf_table, pdf_text

RULE = "#b1b4b6"
BAR = colors.HexColor("#1d70b8")
MUTED = colors.HexColor("#505a5f")
WIDTH = 174 * mm  # A4 less the margins
BAR_WIDTH = 70 * mm
_TABLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
    ]
)


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


def _cells(rows: Sequence[Sequence[str]], style: Any) -> list[list[Any]]:
    """Every cell as a paragraph, so long names wrap."""
    return [[Paragraph(pdf_text(cell), style) for cell in row] for row in rows]


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], style: Any) -> Any:
    return pdf_table(_cells(rows, style), widths, _TABLE)


def bar_drawing(bar: Bar) -> Drawing:
    """One horizontal bar and what it says; a hidden figure draws no bar, only its words."""
    drawing = Drawing(BAR_WIDTH, 5 * mm)
    if bar.length is None:
        drawing.add(String(0, 1.5 * mm, pdf_plain(bar.text), fontName=FONT, fontSize=8))
        drawing.contents[-1].fillColor = MUTED
        return drawing
    length = (BAR_WIDTH - 22 * mm) * bar.length / 100
    if length > 0:
        drawing.add(Rect(0, 0.5 * mm, length, 4 * mm, fillColor=BAR, strokeColor=None))
    drawing.add(String(length + 1.5 * mm, 1.5 * mm, pdf_plain(bar.text), fontName=FONT, fontSize=8))
    return drawing


def columns_drawing(columns: Sequence[Column]) -> Drawing:
    """A month-by-month column chart: a hidden month draws no column and is marked with a dash; its
    words are in the table below."""
    height, base, top = 55 * mm, 10 * mm, 8 * mm
    drawing = Drawing(WIDTH, height)
    step = WIDTH / max(len(columns), 1)
    plot = height - base - top
    drawing.add(Line(0, base, WIDTH, base, strokeColor=colors.HexColor(RULE), strokeWidth=0.5))
    for index, column in enumerate(columns):
        x = index * step
        middle = x + step / 2
        drawing.add(
            String(
                middle,
                base - 5 * mm,
                pdf_plain(column.label),
                fontName=FONT,
                fontSize=6,
                textAnchor="middle",
            )
        )
        if column.height is None:
            drawing.add(
                String(
                    middle,
                    base + 1.5 * mm,
                    "\u2013",
                    fontName=FONT,
                    fontSize=8,
                    textAnchor="middle",
                )
            )
            continue
        tall = plot * column.height / 100
        if tall > 0:
            drawing.add(
                Rect(x + step * 0.2, base, step * 0.6, tall, fillColor=BAR, strokeColor=None)
            )
        drawing.add(
            String(
                middle,
                base + tall + 1.5 * mm,
                pdf_plain(column.text),
                fontName=FONT,
                fontSize=7,
                textAnchor="middle",
            )
        )
    return drawing


def _chart(chart: Chart, styles: Any) -> list[Any]:
    body, small = styles["BodyText"], styles["small"]
    story: list[Any] = [Paragraph(pdf_text(chart.title), styles["Heading2"])]
    if chart.columns:
        story.append(columns_drawing(chart.columns))
    if chart.bars:
        rows = [[Paragraph(pdf_text(bar.label), small), bar_drawing(bar)] for bar in chart.bars]
        story.append(
            pdf_table(
                rows,
                [WIDTH - BAR_WIDTH - 4 * mm, BAR_WIDTH + 4 * mm],
                TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
            )
        )
    story.append(Paragraph(pdf_text(chart.summary), body))
    first = 60 * mm
    rest = (WIDTH - first) / max(len(chart.headings) - 1, 1)
    story.append(
        _table(
            [chart.headings, *chart.rows],
            [first] + [rest] * (len(chart.headings) - 1),
            small,
        )
    )
    story.append(Spacer(1, 4 * mm))
    return story


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
    styles = pdf_styles()
    styles.add(styles["BodyText"].clone("small", fontSize=8, leading=10))
    body, small = styles["BodyText"], styles["small"]
    report = board.report
    month = date_format(report.month, "F Y")
    story: list[Any] = [
        Paragraph(pdf_text(_("Working carers: board report")), styles["Title"]),
        Paragraph(pdf_text(board.organisation_name), styles["Heading3"]),
        Paragraph(
            pdf_text(
                _("Figures for %(month)s, as at %(day)s. Printed on %(printed)s.")
                % {"month": month, "day": _day(report.as_at), "printed": _day(board.printed_on)}
            ),
            body,
        ),
        Paragraph(
            pdf_text(
                _(
                    "Counts are rounded to the nearest 5. A count from 1 to 4 shows as "
                    "“fewer than 5”, and a figure that would let someone work out a hidden "
                    "one shows as “not shown”. Only carers who chose to be counted are "
                    "counted; shares are worked out from the rounded figures."
                )
            ),
            small,
        ),
        Paragraph(pdf_text(_("Headline figures")), styles["Heading2"]),
        _table([(_("Figure"), _("This month")), *_headline(report)], [120 * mm, 54 * mm], body),
        Paragraph(
            pdf_text(
                _(
                    "Nationally about one worker in seven (%(national)s%%) combines work with "
                    "unpaid care (Carers UK, 2019)."
                )
                % {"national": report.national_share}
            ),
            small,
        ),
        Spacer(1, 4 * mm),
    ]

    story.append(Paragraph(pdf_text(_("Changes since last month")), styles["Heading2"]))
    if board.changes is None:
        story.append(
            Paragraph(
                pdf_text(
                    _(
                        "There are no figures for last month to compare with: this is the "
                        "first month they were taken."
                    )
                ),
                body,
            )
        )
    else:
        story.append(
            _table(
                [
                    (_("Figure"), _("Last month"), _("This month"), _("Change")),
                    *((c.label, c.before, c.now, c.change) for c in board.changes),
                ],
                [62 * mm, 28 * mm, 28 * mm, 56 * mm],
                small,
            )
        )
    story.append(Spacer(1, 4 * mm))

    story.append(Paragraph(pdf_text(_("Benchmark position")), styles["Heading2"]))
    if board.positions:
        story.append(
            _table(
                [(_("Framework"), _("Level"), _("Date")), *_positions(board.positions)],
                [64 * mm, 70 * mm, 40 * mm],
                body,
            )
        )
    else:
        story.append(Paragraph(pdf_text(_("No benchmark frameworks are available.")), body))
    story.append(Spacer(1, 4 * mm))

    story.append(Paragraph(pdf_text(_("Carers' strategy plan")), styles["Heading2"]))
    if board.plan is None:
        story.append(Paragraph(pdf_text(_("There is no organisation plan yet.")), body))
    else:
        plan = board.plan
        story.append(
            Paragraph(
                pdf_text(
                    _("%(title)s, %(start)s to %(end)s. Actions by their newest status:")
                    % {
                        "title": plan.title,
                        "start": _day(plan.period_start),
                        "end": _day(plan.period_end),
                    }
                ),
                body,
            )
        )
        story.append(_table([(_("Status"), _("Actions")), *_plan(plan)], [120 * mm, 54 * mm], body))
    story.append(Spacer(1, 4 * mm))

    for chart in board.charts:
        story.append(KeepTogether(_chart(chart, styles)))

    story.append(Paragraph(pdf_text(_("Other figures")), styles["Heading2"]))
    story.append(
        _table(
            [(_("Section"), _("What"), _("Figure")), *_other_figures(report)],
            [40 * mm, 94 * mm, 40 * mm],
            small,
        )
    )
    return pdf_build(
        story,
        title=_("Working carers: board report, %(month)s") % {"month": month},
        author=board.organisation_name,
    )
