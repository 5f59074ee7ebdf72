"""Insight's pages: the organisation's figures with charts and tables, their exports, and the
partnership's figures added up. Thin views: the figures are ``insights.figures``'s and every
one of them is made safe by ``insights.disclosure`` before it reaches a template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from insights import charts, exports
from insights.documents import board_report_pdf
from insights.figures import (
    board_report,
    organisation_report,
    partnership_report,
    partnership_standing,
)
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
            "charts": charts.charts_for(report),
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
    report = partnership_report(partnership=found, today=timezone.localdate())
    return render(
        request,
        "insights/partnership.html",
        {
            "partnership": found,
            "report": report,
            "charts": charts.charts_for(report),
            "standing": partnership_standing(partnership=found),
        },
    )
