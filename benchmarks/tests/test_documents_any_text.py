"""The evidence pack prints any stored text: control characters, markup, any script, a
10,000-letter word. The text is written straight to the database, as rows kept before the
input rule or changed in the admin would hold it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import Assessment, CriterionEvidence, EvidenceFile, RequirementAnswer
from benchmarks.services import assessment_sign_off, criterion_save
from benchmarks.tests.helpers import meet, started, uploaded, version_of
from carershub.tests.awkward_text import (
    CONTROLS,
    EVERYTHING,
    MARKUP,
    POLISH,
    VIETNAMESE,
    WELSH,
)
from carershub.tests.pdfs import assert_accessible, assert_prints_every_name, pdf_text
from organisations.models import Organisation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_evidence_pack_prints_any_stored_text(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        narrative="written",
        links=[{"url": "https://example.org/policy", "title": "Policy"}],
        expected_version=version_of(assessment, "policy"),
        by=world.hr_admin,
    )
    uploaded(world, assessment)
    assessment_sign_off(
        assessment=assessment, by=world.hr_admin, today=timezone.localdate(), role="HR"
    )
    Organisation.objects.filter(pk=world.org.pk).update(name=f"{WELSH} {CONTROLS} <Trust>")
    Assessment.objects.filter(pk=assessment.pk).update(
        signed_off_by_name=VIETNAMESE, signed_off_role=MARKUP
    )
    CriterionEvidence.objects.filter(assessment=assessment).update(
        narrative=MARKUP,
        links=[{"url": "https://example.org/\x01" + "W" * 2000, "title": POLISH + CONTROLS}],
    )
    answers = RequirementAnswer.objects.filter(assessment=assessment)
    answers.update(notes=MARKUP + CONTROLS)
    first = answers.order_by("pk").first()
    assert first is not None
    answers.filter(pk=first.pk).update(notes=EVERYTHING)
    CriterionEvidence.objects.filter(assessment=assessment, criterion_key="policy").update(
        narrative=EVERYTHING
    )
    EvidenceFile.objects.update(label=f"{WELSH}\x0b.pdf", uploaded_by_name=CONTROLS)
    client = Client()
    client.force_login(world.sponsor)
    response = client.get(
        reverse("benchmarks:assessment_pack", args=[world.org.slug, assessment.pk])
    )
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = " ".join(pdf_text(response.content).split())
    for expected in (f"{WELSH} ab cd <Trust>", VIETNAMESE, "<b>bold</b> <i>unclosed &", POLISH):
        assert expected in text, expected
