"""Communications through its pages: prompts on the home page for HR and champions, adding a
suggestion to the plan once, HR's articles with a preview, and the news staff read."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communications.models import Article
from communications.selectors import NEWS_PAGE_SIZE
from communications.tests.helpers import draft, published
from plans.models import ActionPoint

pytestmark = pytest.mark.django_db

#: Eighteen days before Carers Rights Day 2026 (Thursday 19 November, by the rule).
BEFORE_RIGHTS_DAY = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.get_current_timezone())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"communications:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


def home(world, user) -> str:
    return signed_in(user).get(f"/o/{world.org.slug}/").content.decode()


@pytest.mark.parametrize("who", ["hr_admin", "org_admin", "champion"])
def test_hr_and_champions_see_the_coming_awareness_day_on_their_home_page(world, who):
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=False):
        page = home(world, getattr(world, who))
    assert "Coming up: Carers Rights Day 2026" in page
    assert "Thursday 19 November 2026 (expected)" in page
    assert "Remind staff about carer&#x27;s leave and flexible working" in page


@pytest.mark.parametrize("who", ["carer", "manager", "sponsor"])
def test_other_staff_are_not_prompted_but_find_the_news(world, who):
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=False):
        page = home(world, getattr(world, who))
    assert "Carers Rights Day" not in page
    assert url(world, "news") in page


def test_someone_who_has_left_is_neither_prompted_nor_sent_to_the_news(world):
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=False):
        page = home(world, world.leaver)
        news = signed_in(world.leaver).get(url(world, "news"))
    assert "Carers Rights Day" not in page
    assert news.status_code == 403


def test_there_is_no_prompt_outside_the_window(world):
    with time_machine.travel(BEFORE_RIGHTS_DAY - timedelta(days=60), tick=False):
        page = home(world, world.hr_admin)
    assert "Coming up" not in page


def test_hr_adds_a_suggestion_once_and_then_sees_it_in_the_plan(world):
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=False):
        client = signed_in(world.hr_admin)
        day = url(world, "awareness_day", campaign="carers-rights-day", year=2026)
        add = url(
            world, "suggestion_add", campaign="carers-rights-day", year=2026, key="staff-article"
        )
        assert client.get(day).content.decode().count("Add to our strategy plan") == 4
        assert client.post(add).status_code == 302
        assert client.post(add).status_code == 302
        page = client.get(day).content.decode()
    assert ActionPoint.objects.filter(plan__organisation=world.org).count() == 1
    assert page.count("Add to our strategy plan") == 3
    assert "In your plan" in page


def test_a_champion_sees_the_suggestions_without_a_button_and_cannot_add(world):
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=False):
        client = signed_in(world.champion)
        day = url(world, "awareness_day", campaign="carers-rights-day", year=2026)
        page = client.get(day).content.decode()
        add = url(
            world, "suggestion_add", campaign="carers-rights-day", year=2026, key="staff-article"
        )
        refused = client.post(add)
    assert "Publish an article for staff" in page
    assert "Add to our strategy plan" not in page
    assert refused.status_code == 403
    assert not ActionPoint.objects.exists()


def test_an_unknown_campaign_year_or_suggestion_is_not_found(world):
    client = signed_in(world.hr_admin)
    year = timezone.localdate().year
    assert client.get(url(world, "awareness_day", campaign="xmas", year=year)).status_code == 404
    far = url(world, "awareness_day", campaign="carers-week", year=year + 5)
    assert client.get(far).status_code == 404
    add = url(world, "suggestion_add", campaign="carers-week", year=year, key="nope")
    assert client.post(add).status_code == 404


FORM = {
    "title": "Caring and working nights",
    "summary": "A porter on what changed after he told his manager.",
    "body": "He asked for **fixed nights**.\n\n## What helped\n\n- Swapping shifts",
}


def test_hr_previews_then_saves_a_draft_then_publishes_it_for_staff(world):
    client = signed_in(world.hr_admin)
    preview = client.post(url(world, "article_new"), {**FORM, "preview": "1"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "<strong>fixed nights</strong>" in body
    assert '<h2 class="govuk-heading-m">What helped</h2>' in body
    assert not Article.objects.exists()
    saved = client.post(url(world, "article_new"), FORM)
    article = Article.objects.get()
    assert saved["Location"] == url(world, "article", pk=article.pk)
    assert signed_in(world.carer).get(url(world, "article", pk=article.pk)).status_code == 404
    client.post(url(world, "article_publish", pk=article.pk), {"version": article.version})
    page = signed_in(world.carer).get(url(world, "article", pk=article.pk)).content.decode()
    assert "<strong>fixed nights</strong>" in page
    assert "Change the article" not in page
    assert (
        "Caring and working nights"
        in signed_in(world.carer).get(url(world, "news")).content.decode()
    )


def test_a_missing_title_is_refused_with_everything_typed_kept(world):
    response = signed_in(world.hr_admin).post(url(world, "article_new"), {**FORM, "title": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert FORM["summary"] in page
    assert not Article.objects.exists()


def test_an_edit_from_an_older_copy_is_refused_and_keeps_what_was_typed(world):
    article = draft(world)
    client = signed_in(world.hr_admin)
    edit = url(world, "article_edit", pk=article.pk)
    client.post(edit, {**FORM, "version": article.version})
    stale = client.post(edit, {**FORM, "title": "Mine", "version": article.version})
    assert "after you opened this page" in stale.content.decode()
    assert 'value="Mine"' in stale.content.decode()
    article.refresh_from_db()
    assert article.title == FORM["title"]


def test_unpublishing_hides_the_article_from_staff(world):
    article = published(world)
    signed_in(world.org_admin).post(
        url(world, "article_unpublish", pk=article.pk), {"version": article.version}
    )
    assert signed_in(world.carer).get(url(world, "article", pk=article.pk)).status_code == 404


def test_hostile_markdown_is_text_and_only_web_links_keep_their_target(world):
    article = published(
        world,
        body=(
            "<script>alert(1)</script>\n\n[click](javascript:alert(1)) "
            "[mail](mailto:a@example.org) [site](https://example.org)\n\n"
            "![pixel](https://tracker.example.org/p.gif)"
        ),
    )
    page = signed_in(world.carer).get(url(world, "article", pk=article.pk)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert "mailto:" not in page
    assert 'href="https://example.org"' in page
    # An image is not loaded as the page is read: at most it is a link.
    assert "<img" not in page.split('class="app-lesson"')[1]


def test_the_news_lists_the_newest_first_a_page_at_a_time_in_a_fixed_number_of_queries(world):
    for number in range(NEWS_PAGE_SIZE + 2):
        published(world, title=f"Story {number:02d}")
    draft(world, title="Not ready")
    client = signed_in(world.carer)
    client.get(url(world, "news"))  # roles and session cached like any later page
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url(world, "news")).content.decode()
    second = client.get(url(world, "news"), {"page": 2}).content.decode()
    assert first.index("Story 11") < first.index("Story 10")
    assert "Story 01" not in first
    assert "Not ready" not in first + second
    assert "Story 00" in second
    assert len(queries) <= 12


def test_the_prompt_costs_the_home_page_no_query(world):
    def queries_on(moment: datetime) -> tuple[int, bool]:
        with time_machine.travel(moment, tick=False):
            client = signed_in(world.hr_admin)
            client.get(f"/o/{world.org.slug}/")
            with CaptureQueriesContext(connection) as captured:
                page = client.get(f"/o/{world.org.slug}/").content.decode()
        return len(captured), "Coming up" in page

    prompted, shown = queries_on(BEFORE_RIGHTS_DAY)
    quiet, not_shown = queries_on(BEFORE_RIGHTS_DAY - timedelta(days=60))
    assert (shown, not_shown) == (True, False)
    assert prompted == quiet
