"""Builders for benchmark tests, through the same services the pages use."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benchmarks.frameworks import Framework, get_framework
from benchmarks.levels import MET
from benchmarks.models import Assessment, CriterionEvidence, EvidenceFile
from benchmarks.services import (
    AnswerInput,
    assessment_sign_off,
    assessment_start,
    criterion_save,
    evidence_upload,
)
from benchmarks.tests import files
from carershub.tests.personas import World


def shipped(slug: str) -> Framework:
    """A framework that ships with the app, so the tests can rely on it being there."""
    framework = get_framework(slug)
    assert framework is not None, slug
    return framework


def started(
    world: World, slug: str = "carer-positive", *, based_on: Assessment | None = None
) -> Assessment:
    return assessment_start(
        organisation=world.org, framework_slug=slug, by=world.hr_admin, based_on=based_on
    )


def version_of(assessment: Assessment, criterion_key: str) -> int:
    found = CriterionEvidence.objects.filter(
        assessment=assessment, criterion_key=criterion_key
    ).first()
    return found.version if found else 0


def meet(world: World, assessment: Assessment, *, up_to: str, status: str = MET) -> None:
    """Answer every requirement at ``up_to`` or below with ``status``."""
    framework = shipped(assessment.framework_slug)
    keys = framework.level_keys
    allowed = set(keys[: keys.index(up_to) + 1])
    for criterion in framework.criteria:
        answers = {
            r.key: AnswerInput(status=status) for r in criterion.requirements if r.level in allowed
        }
        criterion_save(
            assessment=assessment,
            criterion_key=criterion.key,
            answers=answers,
            by=world.hr_admin,
            expected_version=version_of(assessment, criterion.key),
        )


def uploaded(
    world: World,
    assessment: Assessment,
    *,
    criterion_key: str = "policy",
    name: str = "Carers policy.pdf",
    content: bytes | None = None,
    policy: bool = True,
) -> EvidenceFile:
    return evidence_upload(
        assessment=assessment,
        criterion_key=criterion_key,
        upload=SimpleUploadedFile(name, content or files.pdf(), content_type="application/pdf"),
        is_carers_policy=policy,
        by=world.hr_admin,
    )


def signed_off(world: World, slug: str = "carer-positive", *, up_to: str = "engaged") -> Assessment:
    assessment = started(world, slug)
    meet(world, assessment, up_to=up_to)
    return assessment_sign_off(
        assessment=assessment, by=world.hr_admin, today=timezone.localdate(), role="HR Director"
    )
