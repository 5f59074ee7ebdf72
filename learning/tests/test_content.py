"""The shipped modules follow the format (docs/learning.md), and a broken one is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learning.content import CONTENT_DIR, ContentError, load_module, modules, render_lesson
from learning.links import resolve_link


def test_every_shipped_module_passes_the_schemas():
    loaded = modules()
    assert {slug: m.audience for slug, m in loaded.items()} == {
        "carer-aware": "everyone",
        "supporting-carers": "managers",
        "equal-partners": "leaders",
    }
    folders = [p for p in CONTENT_DIR.iterdir() if p.is_dir() and p.name != "schema"]
    assert len(loaded) == len(folders)


@pytest.mark.parametrize("slug", sorted(modules()))
def test_every_lesson_is_short_and_every_link_leads_somewhere(slug):
    module = modules()[slug]
    for lesson in module.lessons:
        assert lesson.minutes < 10
        # Unknown product: or help: names raise; javascript: and friends never appear.
        html = render_lesson(lesson, resolve_link=lambda h: resolve_link(h, org_slug="acme"))
        assert "product:" not in html
        assert "help:" not in html


@pytest.mark.parametrize("slug", sorted(modules()))
def test_every_option_has_feedback_and_single_choice_has_one_answer(slug):
    for question in modules()[slug].questions:
        assert all(option.feedback.strip() for option in question.options)
        if question.kind == "single":
            assert len(question.correct_ids) == 1
        assert question.correct_ids


@pytest.mark.parametrize("slug", sorted(modules()))
def test_every_quiz_mixes_kinds_of_question_and_a_retry_can_ask_new_ones(slug):
    module = modules()[slug]
    assert len(module.questions) >= 2 * module.questions_per_attempt
    assert any(q.kind == "single" and not q.scenario for q in module.questions)
    assert any(q.kind == "multiple" for q in module.questions)
    least = [q for q in module.questions if "LEAST" in q.prompt]
    assert len(least) >= 2
    assert all(q.scenario and q.kind == "single" for q in least)


def test_the_managers_and_leaders_modules_have_a_few_short_lessons():
    assert len(modules()["supporting-carers"].lessons) == 5
    assert len(modules()["equal-partners"].lessons) == 4


def test_carer_aware_is_for_everyone_and_asks_a_least_appropriate_question():
    module = modules()["carer-aware"]
    assert module.audience == "everyone"
    assert 3 <= len(module.lessons) <= 4
    assert any("LEAST" in q.prompt for q in module.questions)
    assert any(q.kind == "multiple" for q in module.questions)
    assert any(q.scenario for q in module.questions)
    assert len(module.questions) >= 2 * module.questions_per_attempt


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(CONTENT_DIR / "carer-aware", folder)
    return folder


def test_a_single_choice_question_with_two_right_answers_is_refused(tmp_path):
    folder = _copy(tmp_path)
    quiz = folder / "quiz.yaml"
    text = quiz.read_text()
    # The first question is single choice; make its first option right as well.
    quiz.write_text(
        text.replace("        text: A nurse", "        correct: true\n        text: A nurse", 1)
    )
    with pytest.raises(ContentError, match="questions/0/options"):
        load_module(folder)


def test_an_option_without_feedback_is_refused(tmp_path):
    folder = _copy(tmp_path)
    quiz = folder / "quiz.yaml"
    lines = quiz.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("feedback:"))
    quiz.write_text("\n".join(lines[:first] + lines[first + 1 :]))
    with pytest.raises(ContentError, match="feedback"):
        load_module(folder)


def test_an_unknown_audience_and_a_missing_lesson_file_are_refused(tmp_path):
    folder = _copy(tmp_path)
    meta = folder / "module.yaml"
    meta.write_text(meta.read_text().replace("audience: everyone", "audience: robots"))
    with pytest.raises(ContentError, match="audience"):
        load_module(folder)
    shutil.rmtree(folder)
    folder = _copy(tmp_path)
    (folder / "lessons" / "02-caring-at-work.md").unlink()
    with pytest.raises(ContentError, match="lesson 2"):
        load_module(folder)


def test_raw_html_in_a_lesson_is_shown_as_text_and_script_links_are_dropped(tmp_path):
    folder = _copy(tmp_path)
    lesson_file = folder / "lessons" / "01-who-carers-are.md"
    lesson_file.write_text("<script>alert(1)</script>\n\n[click](javascript:alert(1))\n")
    lesson = load_module(folder).lessons[0]
    html = render_lesson(lesson, resolve_link=lambda h: h)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # shown as plain text, never a link


def test_an_unknown_product_link_is_a_mistake():
    with pytest.raises(KeyError):
        resolve_link("product:nowhere", org_slug="acme")
    with pytest.raises(KeyError):
        resolve_link("help:nowhere", org_slug="acme")


def test_lessons_show_no_images_and_keep_only_web_and_product_links():
    """What an organisation writes (its own lessons, its policies) goes through here: an image
    would be fetched by every reader's browser, and other schemes start programs."""
    from learning.content import Lesson

    lesson = Lesson(
        slug="x",
        title="x",
        minutes=1,
        number=1,
        markdown=(
            "![tracker](/o/acme/staff/export/) [phone](tel:123) [mail](mailto:a@b.c) "
            "[word](ms-word:ofe|u|https://x) [site](https://example.org) [us](help:carers-leave)"
        ),
    )
    html = render_lesson(lesson, resolve_link=lambda h: "/help/carers-leave/")
    assert "<img" not in html
    assert "/o/acme/staff/export/" not in html
    for scheme in ("tel:", "mailto:", "ms-word:"):
        assert scheme not in html
    assert 'href="https://example.org"' in html
    assert 'href="/help/carers-leave/"' in html
