"""The figures as CSV or a spreadsheet: the same figures as the page, hidden and rounded the
same way, every cell written through ``shared.spreadsheets.safe_cell``."""

from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from insights.report import Report
from shared.spreadsheets import safe_cell

KINDS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def rows_of(report: Report) -> list[tuple[str, str, str, str]]:
    """Every figure as (section, what, figure, share): one list for CSV and the sheet."""
    out: list[tuple[str, str, str, str]] = []
    everyone = _("Everyone")
    out.append(
        (_("Carers counted"), everyone, report.carers.carers.label, _percent(report.carers.percent))
    )
    out.append((_("Staff in post"), everyone, report.carers.staff.label, ""))
    for section, lines in (
        (_("Carers by site"), report.by_site),
        (_("Carers by unit"), report.by_unit),
        (_("Carers by contracted hours"), report.by_band),
        (_("Carers by nation"), report.by_nation),
    ):
        for line in lines:
            out.append((section, line.label, line.row.carers.label, _percent(line.row.percent)))
    for point in report.trend:
        out.append(
            (
                _("Carers counted, month by month"),
                date_format(point.month, "F Y"),
                point.row.carers.label,
                _percent(point.row.percent),
            )
        )
    out.append((_("Passports"), _("Passports agreed"), report.passports_agreed.label, ""))
    out.extend((_("Passports"), line.label, line.figure.label, "") for line in report.reviews)
    out.extend((_("Leave"), line.label, line.figure.label, "") for line in report.leave)
    out.append((_("Flexible working"), _("Requests received"), report.flexible_received.label, ""))
    out.extend(
        (_("Flexible working"), line.label, line.figure.label, "")
        for line in report.flexible_outcomes
    )
    out.extend(
        (_("Refusals by reason"), line.label, line.figure.label, "")
        for line in report.refusal_reasons
    )
    out.extend(
        (_("Decision times"), line.label, line.figure.label, "") for line in report.deadlines
    )
    for training in report.training:
        out.append(
            (
                _("Training"),
                training.label,
                training.row.carers.label,
                _percent(training.row.percent),
            )
        )
    out.append((_("Carer network"), _("Members"), report.network_members.label, ""))
    out.append((_("Carer network"), _("Meetings held"), report.network_meetings.label, ""))
    return out


def _percent(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def dataset(report: Report) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[_("Section"), _("What"), _("Figure"), _("Share")],
        title=str(_("Figures"))[:31],
    )
    for row in rows_of(report):
        data.append([safe_cell(cell) for cell in row])
    return data


def response(report: Report, *, kind: str, name: str) -> HttpResponse:
    data = dataset(report)
    body = data.export(kind)
    out = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    out["Content-Disposition"] = (
        f'attachment; filename="figures-{name}-{report.month:%Y-%m}.{kind}"'
    )
    out["Cache-Control"] = "no-store"
    return out
