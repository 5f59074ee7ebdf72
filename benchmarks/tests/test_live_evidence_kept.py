"""Issue 19: a draft's live evidence is measured at most once a minute (it was most of the
assessment page's time), without ever being recorded stale, crossing organisations or
languages, or hiding what HR has just uploaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from benchmarks.models import MeasurementSnapshot
from benchmarks.selectors import assessment_view, forget_live_evidence, recent_measurements
from benchmarks.services import assessment_sign_off
from benchmarks.tests.helpers import started, uploaded
from benchmarks.tests.test_measures import carers

# Transactions really commit here: figures are kept only once what they were read from is.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def declared(view) -> object:
    return view.measurements["carers_declared"].measurement.value


def test_a_drafts_figures_are_reused_but_sign_off_records_them_measured_afresh(world):
    assessment = started(world)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as first_read:
        first = assessment_view(assessment, today=today)
    assert declared(first) == 0
    assert first.measured_at is not None
    carers(world.org, 6)
    with CaptureQueriesContext(connection) as second_read:
        second = assessment_view(assessment, today=today)
    # Kept: the same figures and the same time, without measuring (a dozen counts fewer).
    assert declared(second) == 0
    assert second.measured_at == first.measured_at
    assert len(second_read) <= len(first_read) - 10
    # Measured again once the kept figures are gone (a minute later, or forgotten).
    forget_live_evidence(organisation_id=world.org.pk)
    assert declared(assessment_view(assessment, today=today)) == 6
    carers(world.org, 1)
    signed = assessment_sign_off(assessment=assessment, by=world.hr_admin, today=today)
    # Recorded as it is at sign-off, not as the page kept it.
    recorded = MeasurementSnapshot.objects.get(assessment=signed, name="carers_declared")
    assert recorded.value == 7
    assert assessment_view(signed, today=today).measured_at is None


def test_figures_are_kept_per_organisation_day_and_language(world):
    carers(world.other_org, 5)
    today = timezone.localdate()
    names = ["carers_declared", "carers_policy_uploaded"]
    home, _at = recent_measurements(organisation=world.org, names=names, today=today)
    other, _at = recent_measurements(organisation=world.other_org, names=names, today=today)
    assert (home["carers_declared"].value, other["carers_declared"].value) == (0, 5)
    carers(world.org, 5)
    kept, _at = recent_measurements(organisation=world.org, names=names, today=today)
    tomorrow, _at = recent_measurements(
        organisation=world.org, names=names, today=today + timedelta(days=1)
    )
    assert (kept["carers_declared"].value, tomorrow["carers_declared"].value) == (0, 5)
    with translation.override("cy"):
        welsh, _at = recent_measurements(organisation=world.org, names=names, today=today)
    english, _at = recent_measurements(organisation=world.org, names=names, today=today)
    assert welsh["carers_policy_uploaded"].display != english["carers_policy_uploaded"].display
    assert english["carers_policy_uploaded"].display == home["carers_policy_uploaded"].display


def test_a_policy_uploaded_shows_on_the_next_page_not_a_minute_later(world):
    assessment = started(world)
    client = Client()
    client.force_login(world.hr_admin)
    page = reverse("benchmarks:assessment_detail", args=[world.org.slug, assessment.pk])
    before = client.get(page).text
    assert 'data-measure="carers_policy_uploaded">Not yet<' in before
    assert "data-measured-at" in before
    uploaded(world, assessment, policy=True)
    after = client.get(page).text
    assert "Yes: “Carers policy.pdf”" in after


def test_every_write_the_figures_read_takes_them_again(world):
    """Starting, uploading to, removing from and deleting a version: the carers policy
    measure reads all of these, so each moves the organisation's kept figures on."""
    from django.core.cache import cache

    from benchmarks.models import EvidenceFile
    from benchmarks.selectors import _generation_key
    from benchmarks.services import assessment_delete, evidence_remove

    def generation() -> object:
        return cache.get(_generation_key(world.org.pk))

    seen = [generation()]
    assessment = started(world)
    seen.append(generation())
    item = uploaded(world, assessment, policy=True)
    seen.append(generation())
    evidence_remove(item=EvidenceFile.objects.get(pk=item.pk), by=world.hr_admin)
    seen.append(generation())
    assessment_delete(assessment=assessment, by=world.hr_admin)
    seen.append(generation())
    assert len(set(seen)) == len(seen)
