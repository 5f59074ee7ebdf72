"""The benchmarks home page, a framework's page, and starting a self-assessment."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from benchmarks.forms import StartForm
from benchmarks.frameworks import frameworks, get_framework
from benchmarks.selectors import assessments_of, draft_of
from benchmarks.services import assessment_start
from benchmarks.views._common import RUN, VIEW, context, to_overview
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.once import one_submission


@require_safe
@org_view(VIEW)
def benchmarks_home(request: OrgRequest) -> HttpResponse:
    assessments = assessments_of(organisation=request.organisation)
    available = sorted(frameworks().values(), key=lambda f: f.name)
    drafts = {a.framework_slug: a for a in assessments if a.is_draft}
    names = {f.slug: f for f in available}
    rows = [
        {
            "assessment": a,
            "framework": names.get(a.framework_slug),
            "level": names[a.framework_slug].level_name(a.overall_level)
            if a.framework_slug in names
            else a.overall_level,
        }
        for a in assessments
    ]
    return render(
        request,
        "benchmarks/home.html",
        context(
            request,
            frameworks=[(f, drafts.get(f.slug)) for f in available],
            rows=rows,
        ),
    )


@require_safe
@org_view(VIEW)
def framework_detail(request: OrgRequest, slug: str) -> HttpResponse:
    framework = get_framework(slug)
    if framework is None:
        raise Http404
    return render(
        request,
        "benchmarks/framework.html",
        context(
            request,
            framework=framework,
            criteria=[
                (c, [(r, framework.level_name(r.level)) for r in c.requirements])
                for c in framework.criteria
            ],
            draft=draft_of(organisation=request.organisation, framework_slug=slug),
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(RUN)
@one_submission
def assessment_start_view(request: OrgRequest) -> HttpResponse:
    available = sorted(frameworks().values(), key=lambda f: f.name)
    form = StartForm(
        request.POST or None,
        initial={"framework": request.GET.get("framework", "")},
        frameworks=available,
    )
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form,
            lambda: assessment_start(
                organisation=request.organisation,
                framework_slug=form.cleaned_data["framework"],
                by=request.user,
            ),
        )
        if assessment is not None:
            messages.success(request, _("Self-assessment started."))
            return to_overview(assessment)
    return render(request, "benchmarks/start.html", context(request, form=form))
