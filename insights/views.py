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
from insights.figures import organisation_report, partnership_report
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
@login_required
def partnership(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    found = access_partnership(
        viewer=request.user, slug=slug, permission="organisations.lead_partnership"
    )
    report = partnership_report(partnership=found, today=timezone.localdate())
    return render(
        request,
        "insights/partnership.html",
        {"partnership": found, "report": report, "charts": charts.charts_for(report)},
    )
