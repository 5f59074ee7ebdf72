"""The passport's PDFs and the carer's data download print any stored text: control
characters, markup, any script, a 10,000-letter word. The text is written straight to the
database, as rows kept before the input rule or changed in the admin would hold it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from carershub.tests.awkward_text import (
    CONTROLS,
    EVERYTHING,
    FORMULA,
    MARKUP,
    POLISH,
    VIETNAMESE,
    WELSH,
)
from carershub.tests.pdfs import assert_accessible, assert_prints_every_name, pdf_text
from organisations.models import StaffRecord
from passports.models import Adjustment, AgreedVersion, Passport
from passports.reminders import review_event
from passports.services import conversation_record
from passports.tests.helpers import agreed_passport


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def awkward_passport(world):
    passport = agreed_passport(world)
    conversation_record(
        passport=passport, held_on=timezone.localdate(), notes="talked", by=world.manager
    )
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name=WELSH, last_name=VIETNAMESE
    )
    Passport.objects.filter(pk=passport.pk).update(
        about_caring=EVERYTHING, plan_b_contacts=MARKUP, plan_b_at_work=CONTROLS
    )
    Adjustment.objects.filter(passport=passport).update(details=EVERYTHING)
    passport.conversations.update(notes=FORMULA + " " + EVERYTHING)
    version = passport.agreed_versions.get()
    content = {
        **version.content,
        "carer": f"{WELSH} {VIETNAMESE}",
        "about_caring": EVERYTHING,
        "plan_b_contacts": MARKUP,
    }
    content["adjustments"][0]["details"] = EVERYTHING
    AgreedVersion.objects.filter(pk=version.pk).update(
        content=content, manager_name=POLISH + CONTROLS
    )
    return passport


def test_an_agreed_version_pdf_prints_any_stored_text_in_an_embedded_font(world, awkward_passport):
    url = reverse(
        "passports:version_pdf",
        kwargs={"org_slug": world.org.slug, "pk": awkward_passport.pk, "number": 1},
    )
    response = _client(world.carer).get(url)
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = pdf_text(response.content).replace("\n", " ")
    for expected in (f"{WELSH} {VIETNAMESE}", POLISH, "<b>bold</b> <i>unclosed &", "café"):
        assert expected in text, expected
    assert "\x01" not in text


def test_the_data_download_pdf_prints_any_stored_text(world, awkward_passport):
    response = _client(world.carer).get(
        reverse("passports:carer_export_pdf", args=[world.org.slug])
    )
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = pdf_text(response.content)
    assert WELSH in text
    assert FORMULA in text
    assert "W" * 200 in text.replace("\n", "")


def test_the_data_download_json_holds_stored_text_exactly(world, awkward_passport):
    response = _client(world.carer).get(
        reverse("passports:carer_export_json", args=[world.org.slug])
    )
    data = json.loads(response.content.decode("utf-8"))
    assert data["passport"]["draft"]["about_caring"] == EVERYTHING
    assert data["passport"]["agreed_versions"][0]["manager"] == POLISH + CONTROLS
    assert data["passport"]["conversations"][0]["notes"] == FORMULA + " " + EVERYTHING


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL's jsonb refuses lone surrogates"
)
def test_a_lone_surrogate_kept_in_a_json_field_neither_breaks_the_download_nor_the_pdf(
    world, awkward_passport
):
    version = awkward_passport.agreed_versions.get()
    AgreedVersion.objects.filter(pk=version.pk).update(
        content={**version.content, "about_caring": "half an emoji: \ud83d"}
    )
    carer = _client(world.carer)
    response = carer.get(reverse("passports:carer_export_json", args=[world.org.slug]))
    assert response.status_code == 200
    data = json.loads(response.content.decode("utf-8"))
    assert data["passport"]["agreed_versions"][0]["content"]["about_caring"] == (
        "half an emoji: \ud83d"
    )
    pdf = carer.get(reverse("passports:carer_export_pdf", args=[world.org.slug]))
    assert "half an emoji: \ufffd" in pdf_text(pdf.content)


def test_the_review_invitation_reads_back_whatever_the_organisation_is_called(world):
    passport = agreed_passport(world)
    Passport.objects.filter(pk=passport.pk).update(
        next_review_on=timezone.localdate() + timedelta(days=10)
    )
    passport.refresh_from_db()
    name = f"{WELSH}, {CONTROLS}; {'W' * 200}"
    body = review_event(passport, organisation_name=name)
    assert "\x01" not in body
    assert max(len(line.encode()) for line in body.split("\r\n")) <= 75
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert f"at {WELSH}, ab\ncd; {'W' * 200}." in str(event["description"])
    assert event.decoded("dtstamp")
