"""The help pages: open to anyone, one per journey, searchable, linkable by a stable slug."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from guidance.content import GLOSSARY, PAGES, slugs
from guidance.public import help_url, search_help

JOURNEYS = {
    "passport-declaring",
    "passport-sharing",
    "passport-agreeing",
    "passport-reviews",
    "passport-manager",
    "carers-leave",
    "carers-leave-deciding",
    "time-off-for-dependants",
    "flexible-working",
    "flexible-working-deciding",
    "deputies",
    "staff-import",
    "benchmarks",
    "leadership-commitment",
}


def test_every_journey_has_a_page():
    assert {page.slug for page in PAGES} >= JOURNEYS


def test_every_page_says_what_happens_next_and_who_sees_what():
    for page in PAGES:
        assert page.what_next, page.slug
        assert page.who_sees, page.slug
        for slug in page.related:
            assert slug in slugs(), (page.slug, slug)


def test_the_glossary_defines_the_words_the_pages_use():
    terms = {str(term.term).split(" (")[0].casefold() for term in GLOSSARY}
    assert {
        "passport",
        "plan b",
        "deputy",
        "decision period",
        "carer's leave",
        "dependant",
        "line manager",
        "flexible working request",
        "consultation",
    } <= terms


@pytest.mark.parametrize("slug", sorted(slugs()))
def test_anyone_can_read_every_page_without_signing_in(client, db, slug):
    response = client.get(help_url(slug))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_index_links_every_page(client, db):
    body = client.get(reverse("guidance:index")).content.decode()
    for page in PAGES:
        assert f'href="{help_url(page.slug)}"' in body


def test_an_unknown_page_is_not_found(client, db):
    assert client.get("/help/no-such-page/").status_code == 404


def test_help_url_refuses_an_unknown_slug():
    with pytest.raises(KeyError):
        help_url("no-such-page")


def test_the_law_sentence_is_set_apart_on_pages_with_one(client, db):
    body = client.get(help_url("carers-leave-deciding")).content.decode()
    assert "What the law says" in body
    assert "govuk-inset-text" in body
    assert "What happens next" in body
    assert "Who sees what" in body


def test_search_finds_pages_and_glossary_terms():
    titles = [result.title for result in search_help("postpone")]
    assert "Deciding a carer's leave request" in titles
    plan_b = search_help("plan b")
    assert plan_b[0].url == f"{help_url('glossary')}#plan-b"
    assert search_help("") == []
    assert search_help("zzzz-nothing") == []


def test_search_puts_title_matches_first():
    assert search_help("decision period")[0].title == "Decision period"


def test_help_link_tag_renders_the_one_link():
    html = Template('{% load guidance %}{% help_link "deputies" %}').render(Context())
    assert 'href="/help/deputies/"' in html
    assert "Help with this" in html


def test_every_help_link_in_the_templates_names_a_page():
    used = set()
    for path in Path(settings.BASE_DIR).glob("*/templates/**/*.html"):
        used |= set(re.findall(r'help_(?:link|url) "([^"]+)"', path.read_text()))
    assert used, "no page links to help"
    assert used <= slugs(), used - slugs()
