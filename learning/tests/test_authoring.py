"""The organisation's own lesson text: HR previews and publishes it, learners read it, HR can go
back to the standard text; nothing else may, and an unchanged publish writes nothing."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from learning.authoring import (
    LessonTextConflict,
    lesson_text_problems,
    lesson_text_reset,
    lesson_text_save,
)
from learning.content import modules
from learning.models import LESSON_TEXT_MAX, LessonText

pytestmark = pytest.mark.django_db

MODULE = modules()["carer-aware"]
LESSON = MODULE.lessons[2]
OWN = "## Who to ask at Quorvath\n\nTalk to Zyxandra Plimbrook in the people team, or [read about carer's leave](product:carers-leave)."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(world, lesson=LESSON) -> str:
    return reverse(
        "learning:content_edit",
        kwargs={"org_slug": world.org.slug, "module": MODULE.slug, "lesson": lesson.slug},
    )


def reset_url(world) -> str:
    return reverse(
        "learning:content_reset",
        kwargs={"org_slug": world.org.slug, "module": MODULE.slug, "lesson": LESSON.slug},
    )


def lesson_url(world) -> str:
    return reverse(
        "learning:lesson",
        kwargs={"org_slug": world.org.slug, "module": MODULE.slug, "lesson": LESSON.slug},
    )


def list_url(world) -> str:
    return reverse("learning:content", kwargs={"org_slug": world.org.slug})


def save(world, user=None, markdown=OWN, version=0) -> LessonText | None:
    return lesson_text_save(
        organisation=world.org,
        user=user or world.hr_admin,
        module=MODULE,
        lesson=LESSON,
        markdown=markdown,
        expected_version=version,
    )


def writes() -> int:
    return AuditEvent.objects.exclude(action=Action.VIEW).count()


def test_published_text_is_what_learners_read(world):
    hr = signed_in(world.hr_admin)
    response = hr.post(edit_url(world), {"markdown": OWN, "version": "0", "publish": "1"})
    assert response.status_code == 302
    assert response["Location"] == list_url(world)
    own = LessonText.objects.get(organisation=world.org)
    assert (own.module, own.lesson, own.module_version) == (
        MODULE.slug,
        LESSON.slug,
        MODULE.version,
    )
    assert own.updated_by == world.hr_admin
    event = AuditEvent.objects.get(object_type="learning.lessontext", action=Action.CREATE)
    assert event.organisation_id == world.org.pk
    page = signed_in(world.carer).get(lesson_url(world)).content.decode()
    assert "Zyxandra Plimbrook" in page
    link = reverse("leave:home", kwargs={"org_slug": world.org.slug})
    assert f'href="{link}"' in page
    assert LESSON.title in page  # the title is the shipped one
    listing = hr.get(list_url(world)).content.decode()
    assert "Your own text" in listing
    assert "has changed since you replaced it" not in listing


def test_the_edit_page_starts_from_the_text_learners_read(world):
    hr = signed_in(world.hr_admin)
    first = hr.get(edit_url(world)).content.decode()
    assert "Use the standard text again" not in first
    save(world)
    page = hr.get(edit_url(world)).content.decode()
    assert "Zyxandra Plimbrook" in page
    assert 'name="version" value="1"' in page
    assert "Use the standard text again" in page


def test_preview_shows_the_lesson_and_saves_nothing(world):
    before = writes()
    response = signed_in(world.hr_admin).post(
        edit_url(world), {"markdown": OWN, "version": "0", "preview": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: the lesson as learners will see it" in html
    assert '<h2 class="govuk-heading-m">Who to ask at Quorvath</h2>' in html
    assert not LessonText.objects.exists()
    assert writes() == before


def test_publishing_the_same_text_writes_nothing(world):
    hr = signed_in(world.hr_admin)
    # The standard text sent back as it is: the lesson keeps the standard text.
    hr.post(edit_url(world), {"markdown": LESSON.markdown, "version": "0", "publish": "1"})
    assert not LessonText.objects.exists()
    own = save(world)
    assert own is not None
    before = writes()
    hr.post(edit_url(world), {"markdown": OWN + "\r\n\r\n", "version": "1", "publish": "1"})
    own.refresh_from_db()
    assert own.version == 1
    assert writes() == before


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        ("See [the passport](product:pasport).", "The link “product:pasport” leads nowhere"),
        ("See [help](help:no-such-page-zyx).", "The link “help:no-such-page-zyx” leads nowhere"),
        ("# Our policy\n\nText.", "Remove the level 1 heading"),
        ("Our policy\n==========\n\nText.", "Remove the level 1 heading"),
        ("   ", "Enter the text of the lesson"),
        ("a" * (LESSON_TEXT_MAX + 1), "20,000 characters or fewer"),
    ],
)
def test_text_that_breaks_the_rules_is_refused_and_kept(world, markdown, problem):
    for button in ("publish", "preview"):
        response = signed_in(world.hr_admin).post(
            edit_url(world), {"markdown": markdown, "version": "0", button: "1"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert problem in html
        assert markdown.strip()[:50] in html
        assert "Preview: the lesson" not in html
    assert not LessonText.objects.exists()
    with pytest.raises(ValidationError):
        save(world, markdown=markdown)


def test_a_link_to_another_site_and_a_lower_heading_are_fine(world):
    text = "## Our policy\n\n### Details\n\nRead [the policy](https://example.org/policy)."
    assert lesson_text_problems(text, organisation=world.org) == []


def test_raw_html_is_shown_as_text(world):
    text = 'Before <script>alert("zyx")</script> after'
    save(world, markdown=text)
    page = signed_in(world.carer).get(lesson_url(world)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_going_back_to_the_standard_text(world):
    save(world)
    hr = signed_in(world.hr_admin)
    response = hr.post(reset_url(world), {"version": "1"})
    assert response.status_code == 302
    assert not LessonText.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="learning.lessontext", action=Action.DELETE, organisation_id=world.org.pk
    ).exists()
    page = signed_in(world.carer).get(lesson_url(world)).content.decode()
    assert "Zyxandra Plimbrook" not in page
    # Pressed again: nothing left to remove, nothing written.
    before = writes()
    assert hr.post(reset_url(world), {"version": "1"}).status_code == 302
    assert writes() == before


@pytest.mark.parametrize("who", ["carer", "manager", "champion", "sponsor", "leaver"])
def test_only_hr_in_post_may_change_a_lesson(world, who):
    user = world.persona(who)
    client = signed_in(user)
    assert client.get(list_url(world)).status_code == 403
    posted = client.post(edit_url(world), {"markdown": OWN, "version": "0", "publish": "1"})
    assert posted.status_code == 403
    with pytest.raises(PermissionDenied):
        save(world, user=user)
    own = save(world)
    with pytest.raises(PermissionDenied):
        lesson_text_reset(
            organisation=world.org, user=user, module=MODULE, lesson=LESSON, expected_version=1
        )
    assert client.post(reset_url(world), {"version": "1"}).status_code == 403
    assert own is not None
    assert LessonText.objects.filter(pk=own.pk).exists()


def test_the_organisation_admin_may_change_a_lesson(world):
    assert save(world, user=world.org_admin) is not None


def test_two_tabs_cannot_overwrite_each_other(world):
    hr = signed_in(world.hr_admin)
    # Both tabs opened on the standard text; the first publishes.
    save(world)
    response = hr.post(
        edit_url(world), {"markdown": "Second tab's words", "version": "0", "publish": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "after you opened this page" in html
    assert "Second tab&#x27;s words" in html or "Second tab's words" in html
    assert 'name="version" value="1"' in html  # publishing again is a knowing choice
    assert LessonText.objects.get().markdown.startswith("## Who to ask")
    with pytest.raises(LessonTextConflict):
        save(world, markdown="Another", version=0)
    # Going back to the standard text from a page opened before a later publish is refused too.
    save(world, markdown="Newer words", version=1)
    hr.post(reset_url(world), {"version": "1"})
    assert LessonText.objects.get().markdown == "Newer words"


def test_hr_is_told_when_the_standard_lesson_changed_since(world):
    own = save(world)
    assert own is not None
    LessonText.objects.filter(pk=own.pk).update(module_version=MODULE.version - 1)
    listing = signed_in(world.hr_admin).get(list_url(world)).content.decode()
    assert "The standard lesson has changed since you replaced it: check your text." in listing
    # Learners still read the organisation's text.
    assert "Zyxandra Plimbrook" in signed_in(world.carer).get(lesson_url(world)).content.decode()


def test_another_organisation_reads_the_standard_text(world):
    save(world)
    other = dataclasses.replace(world, org=world.other_org)
    page = signed_in(world.outsider).get(lesson_url(other))
    assert page.status_code == 200
    assert "Zyxandra Plimbrook" not in page.content.decode()


def test_the_lesson_page_costs_the_same_queries_with_the_organisations_text(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    client = signed_in(world.carer)
    client.get(lesson_url(world))  # session and roles warmed
    with django_assert_max_num_queries(100) as plain:
        client.get(lesson_url(world))
    save(world)
    with django_assert_num_queries(len(plain.captured_queries)):
        client.get(lesson_url(world))


def test_only_hr_is_offered_the_content_page_from_the_learning_home(world):
    home = reverse("learning:home", args=[world.org.slug])
    link = f'href="{list_url(world)}"'
    assert link in signed_in(world.hr_admin).get(home).content.decode()
    assert link in signed_in(world.org_admin).get(home).content.decode()
    assert link not in signed_in(world.manager).get(home).content.decode()


def test_text_whose_link_has_since_gone_falls_back_to_the_standard_text(world):
    # Published when the page existed; a later release removed it.
    LessonText.objects.create(
        organisation=world.org,
        module=MODULE.slug,
        lesson=LESSON.slug,
        markdown="Zyxandra says [see this](product:gone-since)",
        module_version=MODULE.version,
    )
    page = signed_in(world.carer).get(lesson_url(world))
    assert page.status_code == 200
    assert "Zyxandra" not in page.content.decode()
    listing = signed_in(world.hr_admin).get(list_url(world)).content.decode()
    assert "A link in your text leads nowhere" in listing
