"""The commitment's PDF prints any stored text: control characters, markup (only **bold**
is read), any script, a 10,000-letter word. The text is written straight to the database, as
rows kept before the input rule or changed in the admin would hold it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from carershub.tests.awkward_text import (
    CONTROLS,
    EVERYTHING,
    MARKUP,
    POLISH,
    VIETNAMESE,
    WELSH,
)
from carershub.tests.pdfs import assert_accessible, assert_prints_every_name, pdf_text
from commitments.models import CommitmentVersion
from commitments.tests.helpers import published
from organisations.models import Organisation


def test_the_commitment_pdf_prints_any_stored_text(world):
    published(world)
    Organisation.objects.filter(pk=world.org.pk).update(name=f"{WELSH} {CONTROLS}")
    CommitmentVersion.objects.update(
        text=f"# {WELSH} **{VIETNAMESE}**\n\n1. {MARKUP}\n2. **unclosed\x0b\n\n- {EVERYTHING}",
        signed_by_name=POLISH + "\x1b",
        signed_by_role="<i>",
    )
    client = Client()
    client.force_login(world.carer)
    response = client.get(reverse("commitments:pdf", args=[world.org.slug, 1]))
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        f"{WELSH} ab cd",
        f"{WELSH} {VIETNAMESE}",
        "<b>bold</b> <i>unclosed &",
        "**unclosed",
        f"Signed by {POLISH}, <i>,",
    ):
        assert expected in text, expected
