"""Benchmarks' part of the demo: two Carer Positive self-assessments."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from benchmarks.frameworks import get_framework
from benchmarks.services import (
    AnswerInput,
    assessment_sign_off,
    assessment_start,
    criterion_save,
    evidence_upload,
)
from organisations.models import Organisation


def seed(*, organisation: Organisation, hr: User) -> None:
    """Version 1 signed off at Engaged by ``hr`` with the carers policy uploaded; version 2 a
    draft working towards Established."""
    framework = get_framework("carer-positive")
    assert framework is not None
    first = assessment_start(
        organisation=organisation, framework_slug=framework.slug, by=hr, channel=Channel.COMMAND
    )
    for criterion in framework.criteria:
        criterion_save(
            assessment=first,
            criterion_key=criterion.key,
            answers={
                r.key: AnswerInput("met" if r.level == "engaged" else "not_met")
                for r in criterion.requirements
            },
            narrative=f"How we meet {criterion.title.lower()} at Engaged, with examples.",
            expected_version=None,
            by=hr,
            channel=Channel.COMMAND,
        )
    evidence_upload(
        assessment=first,
        criterion_key="policy",
        upload=SimpleUploadedFile(
            "Carers policy.txt",
            b"Eastbrook Hospitals carers policy (demo).\nWho counts as a carer, carer's "
            b"leave, flexible working and where to find support.\n",
        ),
        is_carers_policy=True,
        by=hr,
        channel=Channel.COMMAND,
    )
    first = assessment_sign_off(
        assessment=first,
        by=hr,
        today=timezone.localdate(),
        role="Head of People",
        channel=Channel.COMMAND,
    )
    second = assessment_start(
        organisation=organisation,
        framework_slug=framework.slug,
        based_on=first,
        by=hr,
        channel=Channel.COMMAND,
    )
    criterion_save(
        assessment=second,
        criterion_key="workplace-support",
        answers={
            "support-agreed": AnswerInput("met", "Passports agreed on the hub."),
            "support-range": AnswerInput("partly"),
        },
        expected_version=None,
        by=hr,
        channel=Channel.COMMAND,
    )
