"""Benchmarks in the permission matrix (carershub/tests/test_permission_matrix.py): frameworks
and self-assessments, their pages and API operations."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benchmarks.models import Assessment, AssessmentStatus
from benchmarks.services import assessment_sign_off, assessment_start, evidence_upload
from carershub.tests.matrix_kit import HR, Spec, Targets, action, api, page
from organisations.models import Membership, Role

BENCHMARK_READERS = ("hr_admin", "org_admin", "champion", "sponsor")


def _assessment(t: Targets, *, signed: bool = False) -> Assessment:
    """A Carer Positive self-assessment of the organisation that owns ``t.staff``, with one
    uploaded document, made by its HR admin through the services; signed off when asked."""
    organisation = t.staff.organisation
    wanted = AssessmentStatus.SIGNED_OFF if signed else AssessmentStatus.DRAFT
    found = Assessment.objects.filter(organisation=organisation, status=wanted).first()
    if found is not None:
        return found
    admin = (
        Membership.objects.with_power()
        .filter(organisation=organisation, role=Role.HR_ADMIN)
        .first()
    )
    assert admin is not None
    draft = Assessment.objects.filter(
        organisation=organisation, status=AssessmentStatus.DRAFT
    ).first() or assessment_start(
        organisation=organisation, framework_slug="carer-positive", by=admin.user
    )
    if not draft.files.exists():
        evidence_upload(
            assessment=draft,
            criterion_key="policy",
            upload=SimpleUploadedFile("Policy.txt", b"Our carers policy"),
            by=admin.user,
        )
    if signed:
        return assessment_sign_off(assessment=draft, by=admin.user, today=timezone.localdate())
    return draft


def assessment(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t).pk}


def signed_assessment(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t, signed=True).pk}


def assessment_criterion(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t).pk, "key": "policy"}


def evidence_file(t: Targets) -> dict[str, Any]:
    found = _assessment(t)
    return {"org_slug": t.org.slug, "pk": found.pk, "file_pk": found.files.get().pk}


def api_assessment(t: Targets) -> dict[str, Any]:
    return {"assessment_id": _assessment(t).pk}


MATRIX: dict[str, Spec] = {
    # Benchmarks: HR and organisation admins run self-assessments; the executive sponsor and
    # the carer champion read them (overview, comparison, evidence pack, documents).
    "benchmarks:home": page(BENCHMARK_READERS),
    "benchmarks:framework_detail": page(
        BENCHMARK_READERS, kwargs=lambda t: {"org_slug": t.org.slug, "slug": "carer-positive"}
    ),
    "benchmarks:assessment_start": page(HR),
    "benchmarks:assessment_detail": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:criterion_detail": page(BENCHMARK_READERS, kwargs=assessment_criterion, cross=True),
    # No file sent: the page is shown again with the error.
    "benchmarks:evidence_upload": action(HR, assessment_criterion) | dict.fromkeys(HR, 200),
    "benchmarks:evidence_download": page(BENCHMARK_READERS, kwargs=evidence_file, cross=True),
    "benchmarks:evidence_remove": page(HR, kwargs=evidence_file, cross=True),
    "benchmarks:assessment_sign_off": page(HR, kwargs=assessment, cross=True),
    "benchmarks:assessment_new_version": action(HR, signed_assessment),
    "benchmarks:assessment_compare": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:assessment_plan": page(HR, kwargs=assessment, cross=True),
    "benchmarks:assessment_pack": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:assessment_delete": page(HR, kwargs=assessment, cross=True),
    "api-v1:list_frameworks": api("GET", BENCHMARK_READERS, 200),
    "api-v1:get_framework_detail": api(
        "GET", BENCHMARK_READERS, 200, kwargs=lambda t: {"slug": "carer-positive"}
    ),
    "api-v1:list_assessments": api("GET", BENCHMARK_READERS, 200),
    "api-v1:create_assessment": api("POST", HR, 201, data={"framework": "carer-confident"}),
    "api-v1:get_assessment": api("GET", BENCHMARK_READERS, 200, kwargs=api_assessment, cross=True),
    "api-v1:update_assessment_criterion": api(
        "PATCH",
        HR,
        200,
        kwargs=lambda t: {**api_assessment(t), "criterion_key": "policy"},
        data={"narrative": "Our policy names carers."},
        cross=True,
    ),
    "api-v1:sign_off_assessment": api("POST", HR, 200, kwargs=api_assessment, data={}, cross=True),
    "api-v1:delete_assessment": api("DELETE", HR, 204, kwargs=api_assessment, cross=True),
}
