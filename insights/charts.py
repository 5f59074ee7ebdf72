"""Charts people can read: bars drawn as SVG on the server, from the figures as shown.

Each chart is a ``<figure>`` with a title, a plain-words summary and the data table beside
it; the bars repeat the table for the eye and are hidden from screen readers, which read
the summary and the table. Labels are HTML, not SVG text, so a long name wraps like any
other text. A hidden figure draws no bar and says why. No JavaScript is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insights.disclosure import Figure
from insights.report import GroupLine, Line, Report

#: The most bars a chart draws; a longer breakdown is a table only.
MOST_BARS = 40
#: The most rows a chart's table shows at a time on a page. A breakdown by hundreds of units
#: is read a page at a time; the exports and the board report carry every row.
ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class Bar:
    label: str
    #: What the bar's end and the table say: "20%", "35", "fewer than 5".
    text: str
    #: The bar's length out of 100; None when the figure is hidden.
    length: float | None


@dataclass(frozen=True)
class Column:
    """One month of a trend: what it says, and its rectangle in a plot 10 units wide per
    month and 50 high (None when the month's figure is hidden)."""

    label: str
    text: str
    height: float | None
    #: Where the month's rectangle starts: 10 units a month, a unit of space either side.
    x: int = 1

    @property
    def rect_height(self) -> float:
        return round((self.height or 0) / 2, 2)

    @property
    def rect_y(self) -> float:
        return round(50 - self.rect_height, 2)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    #: The table's column headings: the label's, then the figures'.
    headings: tuple[str, ...]
    #: The table's rows: the label, then each figure as text.
    rows: list[tuple[str, ...]]
    bars: list[Bar]
    columns: list[Column]
    #: On a page, the part of a long table shown, and the query that keeps the other
    #: tables' pages when this one turns; None when every row is shown.
    page: Page[tuple[str, ...]] | None = None
    query: str = ""

    @property
    def table(self) -> list[list[tuple[str, str]]]:
        """Each row's cells with the heading they sit under, for stacked tables."""
        return [list(zip(self.headings, row, strict=True)) for row in self.rows]

    @property
    def plot_width(self) -> int:
        return 10 * len(self.columns)


def _length(value: int | None, most: int) -> float | None:
    if value is None:
        return None
    return round(100 * value / most, 1) if most else 0.0


def _share_chart(key: str, title: str, lines: list[GroupLine], what: str) -> Chart | None:
    """Carers' share of each group's staff, as bars of the percentage."""
    if len(lines) < 2:
        return None
    shown = [line for line in lines if line.row.percent is not None]
    hidden = len(lines) - len(shown)
    bars = [
        Bar(
            label=line.label,
            text=f"{line.row.percent}%" if line.row.percent is not None else line.row.carers.label,
            length=_length(line.row.percent, 100),
        )
        for line in lines
    ]
    if shown:
        top = max(shown, key=lambda line: line.row.percent or 0)
        summary = _(
            "Of the %(what)s whose figures can be shown, %(name)s has the largest share of "
            "staff counted as carers: %(percent)s%%."
        ) % {"what": what, "name": top.label, "percent": top.row.percent}
    else:
        summary = _(
            "None of the %(what)s has figures that can be shown without risk of identifying someone."
        ) % {"what": what}
    if hidden:
        summary += " " + ngettext(
            "The figures of %(n)s are not shown, to protect small numbers.",
            "The figures of %(n)s are not shown, to protect small numbers.",
            hidden,
        ) % {"n": hidden}
    if len(lines) > MOST_BARS:
        # Hundreds of bars help nobody and weigh the page down: the table alone says it.
        bars = []
        summary += " " + _(
            "There are too many to draw; the table lists them all, a page at a time."
        )
    return Chart(
        key=key,
        title=title,
        summary=summary,
        headings=(_("Group"), _("Staff"), _("Carers counted"), _("Share")),
        rows=[
            (
                line.label,
                line.row.staff.label,
                line.row.carers.label,
                f"{line.row.percent}%" if line.row.percent is not None else _("not shown"),
            )
            for line in lines
        ],
        bars=bars,
        columns=[],
    )


def _count_chart(key: str, title: str, lines: list[Line], summary: str) -> Chart | None:
    if not lines:
        return None
    most = max((line.figure.value or 0 for line in lines), default=0)
    return Chart(
        key=key,
        title=title,
        summary=summary,
        headings=(_("Group"), _("Number")),
        rows=[(line.label, line.figure.label) for line in lines],
        bars=[
            Bar(label=line.label, text=line.figure.label, length=_length(line.figure.value, most))
            for line in lines
        ],
        columns=[],
    )


def _month(day: date) -> str:
    return date_format(day, "M Y")


def _trend_chart(report: Report) -> Chart | None:
    points = report.trend
    if not points:
        return None
    most = max((point.row.carers.value or 0 for point in points), default=0)
    first, last = points[0], points[-1]
    if len(points) == 1:
        summary = _(
            "Figures are taken once a month; this is the first month. The trend grows from "
            "next month."
        )
    elif first.row.carers.shown and last.row.carers.shown:
        summary = _("Carers counted went from %(first)s in %(from)s to %(last)s in %(to)s.") % {
            "first": first.row.carers.label,
            "from": date_format(first.month, "F Y"),
            "last": last.row.carers.label,
            "to": date_format(last.month, "F Y"),
        }
    else:
        summary = _(
            "Some months' figures are too small to show; the table gives every month as shown."
        )
    return Chart(
        key="trend",
        title=_("Carers counted, month by month"),
        summary=summary,
        headings=(_("Month"), _("Staff"), _("Carers counted"), _("Share")),
        rows=[
            (
                date_format(point.month, "F Y"),
                point.row.staff.label,
                point.row.carers.label,
                f"{point.row.percent}%" if point.row.percent is not None else _("not shown"),
            )
            for point in points
        ],
        bars=[],
        columns=[
            Column(
                label=_month(point.month),
                text=point.row.carers.label,
                height=_length(point.row.carers.value, most),
                x=10 * index + 1,
            )
            for index, point in enumerate(points)
        ],
    )


def _outcomes_summary(report: Report) -> str:
    received: Figure = report.flexible_received
    if received.value == 0:
        return _("No flexible-working requests were received in the year.")
    return _("%(n)s flexible-working requests were received in the year to %(day)s.") % {
        "n": received.label,
        "day": date_format(report.as_at, "j F Y"),
    }


def paged(made: list[Chart], query: Mapping[str, str]) -> list[Chart]:
    """Each table longer than ``ROWS_PER_PAGE`` cut to the page asked for, each turning on its
    own parameter (the chart's key), so that paging through units leaves sites where they were.
    A page number that is not one gives the first or last page, never an error."""
    long = {chart.key for chart in made if len(chart.rows) > ROWS_PER_PAGE}
    out = []
    for chart in made:
        if chart.key not in long:
            out.append(chart)
            continue
        page = Paginator(chart.rows, ROWS_PER_PAGE).get_page(query.get(chart.key))
        others = {key: query[key] for key in sorted(long - {chart.key}) if query.get(key)}
        out.append(replace(chart, rows=list(page.object_list), page=page, query=urlencode(others)))
    return out


def charts_for(report: Report) -> list[Chart]:
    """Every chart the figures page and the board report draw, in the order they read."""
    made = [
        _trend_chart(report),
        _share_chart("by_site", _("Carers by site"), report.by_site, _("sites")),
        _share_chart("by_unit", _("Carers by unit"), report.by_unit, _("units")),
        _share_chart("by_band", _("Carers by contracted hours"), report.by_band, _("hours bands")),
        _share_chart("by_nation", _("Carers by nation"), report.by_nation, _("nations")),
        _count_chart(
            "flexible",
            _("Flexible-working requests by outcome"),
            [line for line in report.flexible_outcomes if line.figure.value != 0],
            _outcomes_summary(report),
        ),
    ]
    return [chart for chart in made if chart is not None]
