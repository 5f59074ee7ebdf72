"""Reading an assessment: its overview, a comparison with another version, and the
evidence pack."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from benchmarks.documents import evidence_pack_pdf
from benchmarks.selectors import (
    AssessmentView,
    assessment_view,
    comparable_versions,
    compare,
    draft_of,
)
from benchmarks.views._common import ANSWER_LABELS, VIEW, assessment_for, context
from organisations.access import org_view
from organisations.types import OrgRequest


@require_safe
@org_view(VIEW)
def assessment_detail(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    view = assessment_view(assessment, today=timezone.localdate())
    return render(
        request,
        "benchmarks/assessment.html",
        context(
            request,
            assessment=assessment,
            view=view,
            framework=view.framework,
            result=view.result,
            overall=view.framework.level_name(view.result.overall),
            next_name=view.framework.level_name(view.result.next_level),
            criteria=_criteria_rows(view),
            others=comparable_versions(assessment),
            draft=None
            if assessment.is_draft
            else draft_of(
                organisation=request.organisation, framework_slug=assessment.framework_slug
            ),
        ),
    )


def _criteria_rows(view: AssessmentView) -> list[dict[str, Any]]:
    """Each criterion with its level, what is missing for the next one and its live evidence."""
    requirements = {r.key: r for _c, r in view.framework.requirements()}
    rows = []
    for item in view.result.criteria:
        rows.append(
            {
                "criterion": item.criterion,
                "level": view.framework.level_name(item.result.level),
                "next_level": view.framework.level_name(item.result.next_level),
                "progress": item.result.progress,
                "missing": [requirements[key] for key in item.result.missing],
                "checklist": item.checklist,
                "measures": [
                    view.measurements[name]
                    for name in item.criterion.measures()
                    if name in view.measurements
                ],
                "files": view.files.get(item.criterion.key, []),
            }
        )
    return rows


@require_safe
@org_view(VIEW)
def assessment_compare(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    others = comparable_versions(assessment)
    chosen = request.GET.get("with", "")
    other = next((a for a in others if str(a.pk) == chosen), None)
    if other is None and chosen:
        raise Http404
    if other is None:
        other = next((a for a in others if a.pk == assessment.based_on_id), None) or (
            others[0] if others else None
        )
    comparison = compare(other, assessment) if other is not None else None
    return render(
        request,
        "benchmarks/compare.html",
        context(
            request,
            assessment=assessment,
            others=others,
            other=other,
            comparison=comparison,
            answer_labels=ANSWER_LABELS,
        ),
    )


@require_safe
@org_view(VIEW)
def assessment_pack(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    view = assessment_view(assessment, today=timezone.localdate())
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        channel=Channel.WEB,
        target=assessment,
        organisation_id=request.organisation.pk,
        summary=f"Downloaded the evidence pack of self-assessment version {assessment.number}",
    )
    response = HttpResponse(evidence_pack_pdf(view), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{assessment.framework_slug}-version-{assessment.number}.pdf"'
    )
    return response
