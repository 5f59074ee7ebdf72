"""What the benchmark pages share: the permissions, fetching the assessment, the context."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect

from benchmarks.models import AnswerStatus, Assessment
from benchmarks.selectors import access_assessment
from benchmarks.services import AssessmentError, write_refusal
from organisations.types import OrgRequest

VIEW = "benchmarks.view_assessments"
RUN = "benchmarks.run_assessments"
ANSWER_LABELS = dict(AnswerStatus.choices)


def can_run(request: OrgRequest) -> bool:
    return request.user.has_perm(RUN, request.organisation)


def assessment_for(request: OrgRequest, pk: int) -> Assessment:
    return access_assessment(organisation=request.organisation, pk=pk)


def refused_now(request: OrgRequest, assessment: Assessment) -> AssessmentError | None:
    """After a refused write: whether the assessment now refuses every change (signed off
    or its framework gone meanwhile), read afresh. Pages then stop offering the form."""
    return write_refusal(assessment_for(request, assessment.pk))


def to_overview(assessment: Assessment) -> HttpResponse:
    return redirect(
        "benchmarks:assessment_detail", org_slug=assessment.organisation.slug, pk=assessment.pk
    )


def context(request: OrgRequest, **extra: Any) -> dict[str, Any]:
    return {"organisation": request.organisation, "can_run": can_run(request), **extra}
