"""Insight's pages: the organisation's figures with charts and tables, their exports, the
partnership's figures added up, and the business-case calculator. Thin views: the figures
are ``insights.figures``'s and every one of them is made safe by ``insights.disclosure``
before it reaches a template."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from insights import charts, exports
from insights.business_case import CENTRICA, DEFAULTS, assumptions, calculate, observed
from insights.documents import board_report_pdf
from insights.figures import (
    board_report,
    organisation_report,
    partnership_report,
    partnership_standing,
    partnership_waiting,
)
from insights.forms import BusinessCaseForm, starting_values
from insights.rules import VIEW
from organisations.access import access_partnership, org_view
from organisations.types import AuthenticatedRequest, OrgRequest


@require_safe
@org_view(VIEW)
def figures(request: OrgRequest) -> HttpResponse:
    report = organisation_report(organisation=request.organisation, today=timezone.localdate())
    return render(
        request,
        "insights/figures.html",
        {
            "organisation": request.organisation,
            "report": report,
            "charts": charts.paged(charts.charts_for(report), request.GET),
        },
    )


@require_safe
@org_view(VIEW)
def export(request: OrgRequest, kind: str) -> HttpResponse:
    if kind not in exports.KINDS:
        raise Http404
    report = organisation_report(organisation=request.organisation, today=timezone.localdate())
    return exports.response(report, kind=kind, name=request.organisation.slug)


@require_safe
@org_view(VIEW)
def board_report_download(request: OrgRequest) -> HttpResponse:
    """The board report as a PDF: the organisation's slug and the month name the file,
    nothing about anyone."""
    board = board_report(organisation=request.organisation, today=timezone.localdate())
    response = HttpResponse(board_report_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="board-report-{request.organisation.slug}-'
        f'{board.report.month:%Y-%m}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@login_required
def partnership(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    found = access_partnership(
        viewer=request.user, slug=slug, permission="organisations.lead_partnership"
    )
    today = timezone.localdate()
    standing = partnership_standing(partnership=found)
    waiting = partnership_waiting(partnership=found, today=today)
    report = None if waiting else partnership_report(partnership=found, today=today)
    return render(
        request,
        "insights/partnership.html",
        {
            "partnership": found,
            "waiting": waiting,
            "report": report,
            "charts": charts.paged(charts.charts_for(report), request.GET)
            if report is not None
            else [],
            "standing": standing,
            # Hundreds of members are read a page at a time, like a long breakdown.
            "members": Paginator(standing.members, charts.ROWS_PER_PAGE).get_page(
                request.GET.get("members")
            ),
        },
    )


@require_safe
@org_view(VIEW)
def business_case(request: OrgRequest) -> HttpResponse:
    """The calculator: sent with GET, stored nowhere. An empty form starts from the defaults
    (and the organisation's rounded headcount), and shows their estimate at once when it can."""
    report = organisation_report(organisation=request.organisation, today=timezone.localdate())
    ours = observed(report)
    starting = starting_values(headcount=ours.headcount)
    asked = any(name in request.GET for name in BusinessCaseForm.base_fields)
    if asked:
        form = BusinessCaseForm(request.GET)
    elif "headcount" in starting:
        form = BusinessCaseForm({name: str(value) for name, value in starting.items()})
    else:
        form = BusinessCaseForm(initial=starting)
    result = calculate(form.inputs()) if form.is_bound and form.is_valid() else None
    current = {
        name: form[name].value() if form[name].value() not in (None, "") else starting.get(name)
        for name in BusinessCaseForm.base_fields
    }
    return render(
        request,
        "insights/business_case.html",
        {
            "organisation": request.organisation,
            "form": form,
            "result": result,
            "assumptions": (
                assumptions(
                    result.inputs,
                    labels={name: field.label or name for name, field in form.fields.items()},
                )
                if result
                else []
            ),
            "defaults": DEFAULTS,
            "observed": ours,
            "use_headcount": _query(current, headcount=ours.headcount),
            "use_share": _query(current, prevalence=ours.counted_share),
            "centrica": CENTRICA,
        },
    )


def _query(current: dict[str, object], **change: object) -> str | None:
    """The calculator's query string with one answer replaced by the organisation's own
    figure, keeping the rest as typed; None when there is no figure to offer."""
    if any(value is None for value in change.values()):
        return None
    return "?" + urlencode(
        {key: value for key, value in {**current, **change}.items() if value not in (None, "")}
    )
