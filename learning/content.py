"""Modules as files: ``learning/content/<module-slug>/`` holds ``module.yaml``, the lessons as
Markdown in ``lessons/NN-<slug>.md`` and the question pool in ``quiz.yaml``
(docs/learning.md describes the format).

Files are checked against the JSON Schemas in ``learning/content/schema/`` when they are read,
so a broken module fails loudly (and in ``learning/tests/test_content.py``) rather than showing
a learner half a quiz. The files are read once per process: they change only with a release.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from shared.markdown import MARKDOWN, is_web_link, style, walk

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SCHEMA_DIR = CONTENT_DIR / "schema"

Audience = Literal["everyone", "managers", "leaders"]


class ContentError(Exception):
    """A module's files break the format: a mistake in the content, found before anyone reads it."""


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: Literal["single", "multiple"]
    prompt: str
    scenario: str
    options: tuple[Option, ...]

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options)

    def answered_by(self, chosen: frozenset[str]) -> bool:
        """Right when exactly the correct options are chosen: every one of them for a "select
        all that apply" question, and nothing else. Scoring and the review both ask this."""
        return chosen == self.correct_ids


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    minutes: int
    number: int
    markdown: str


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    audience: Audience
    version: int
    pass_mark: int
    questions_per_attempt: int
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]
    #: Earlier versions withdrawn because they were wrong, with the reason learners are shown.
    withdrawn: Mapping[int, str] = field(default_factory=dict)
    #: The organisation whose own module this is (``learning.own_modules``); None when shipped.
    organisation_id: int | None = None

    @property
    def own(self) -> bool:
        return self.organisation_id is not None

    def withdrawn_reason(self, version: int) -> str | None:
        """Why ``version`` was withdrawn, or None while a badge earned on it still stands."""
        return self.withdrawn.get(version)

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def next_lesson(self, lesson: Lesson) -> Lesson | None:
        return self.lessons[lesson.number] if lesson.number < len(self.lessons) else None

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


def _schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _read_yaml(path: Path, schema: Literal["module", "quiz"]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from error
    problem = schema_problem(data, schema)
    if problem:
        raise ContentError(f"{path}: {problem}")
    assert isinstance(data, dict)
    return data


def schema_problem(data: object, schema: Literal["module", "quiz"]) -> str | None:
    """The first way ``data`` breaks the module or quiz schema, where it is and what; None when
    it keeps it. Files and an organisation's own modules (``learning.own_modules``) are held to
    the same schemas."""
    validator = jsonschema.Draft202012Validator(_schema(schema))
    problems = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not problems:
        return None
    where = "/".join(str(part) for part in problems[0].absolute_path) or "(top)"
    return f"{where}: {problems[0].message}"


def load_module(folder: Path) -> Module:
    """One module from its folder, checked against the schemas and for what they cannot say
    (lesson files present, ids unique, enough questions for an attempt)."""
    meta = _read_yaml(folder / "module.yaml", "module")
    quiz = _read_yaml(folder / "quiz.yaml", "quiz")
    texts = []
    for number, entry in enumerate(meta["lessons"], start=1):
        path = folder / "lessons" / f"{number:02d}-{entry['slug']}.md"
        if not path.is_file():
            raise ContentError(f"{folder.name}: lesson {number} has no file {path.name}")
        texts.append(path.read_text(encoding="utf-8"))
    return build_module(folder.name, meta, quiz, texts)


def build_module(
    slug: str,
    meta: Mapping[str, Any],
    quiz: Mapping[str, Any],
    texts: list[str],
    *,
    organisation_id: int | None = None,
) -> Module:
    """A module from data already checked against the schemas (``meta`` as module.yaml,
    ``quiz`` as quiz.yaml, ``texts`` the lessons' Markdown in order), checked for what the
    schemas cannot say: ids unique, enough questions for an attempt, only earlier versions
    withdrawn."""
    lessons = tuple(
        Lesson(
            slug=entry["slug"],
            title=entry["title"],
            minutes=entry["minutes"],
            number=number,
            markdown=text,
        )
        for number, (entry, text) in enumerate(zip(meta["lessons"], texts, strict=True), start=1)
    )
    questions = tuple(
        Question(
            id=q["id"],
            kind=q["kind"],
            prompt=q["prompt"],
            scenario=q.get("scenario", ""),
            options=tuple(
                Option(
                    id=o["id"],
                    text=o["text"],
                    correct=o.get("correct", False),
                    feedback=o["feedback"],
                )
                for o in q["options"]
            ),
        )
        for q in quiz["questions"]
    )
    _check_unique(slug, "lesson", (lesson.slug for lesson in lessons))
    _check_unique(slug, "question", (q.id for q in questions))
    for question in questions:
        _check_unique(f"{slug}/{question.id}", "option", (o.id for o in question.options))
    if meta["questions_per_attempt"] > len(questions):
        raise ContentError(f"{slug}: the pool has fewer questions than one attempt draws")
    withdrawn = {entry["version"]: entry["reason"] for entry in meta.get("withdrawn_versions", [])}
    if any(version >= meta["version"] for version in withdrawn):
        raise ContentError(f"{slug}: only versions before the current one can be withdrawn")
    return Module(
        slug=slug,
        title=meta["title"],
        summary=meta["summary"],
        audience=meta["audience"],
        version=meta["version"],
        pass_mark=meta["pass_mark"],
        questions_per_attempt=meta["questions_per_attempt"],
        lessons=lessons,
        questions=questions,
        withdrawn=withdrawn,
        organisation_id=organisation_id,
    )


def _check_unique(where: str, what: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ContentError(f"{where}: the {what} id {item!r} is used twice")
        seen.add(item)


#: The start of every organisation's own module's slug (``learning.catalogue``), which a
#: shipped module may not take.
RESERVED_PREFIX = "our-"


@cache
def modules() -> Mapping[str, Module]:
    """Every shipped module by slug, in folder order."""
    folders = [f for f in sorted(CONTENT_DIR.iterdir()) if f.is_dir() and f.name != "schema"]
    for folder in folders:
        if folder.name.startswith(RESERVED_PREFIX):
            raise ContentError(f"{folder.name}: {RESERVED_PREFIX} starts organisations' modules")
    return {folder.name: load_module(folder) for folder in folders}


def module(slug: str) -> Module | None:
    return modules().get(slug)


def render_lesson(
    lesson: Lesson, *, resolve_link: Callable[[str], str], broken_links_as_text: bool = False
) -> SafeString:
    """The lesson as HTML with GOV.UK classes. Links written ``product:<name>`` or
    ``help:<slug>`` go to this service's own pages, through ``resolve_link``, so a lesson
    points at the organisation's live pages instead of copying them.

    A link to a page that does not exist raises ``KeyError``, unless ``broken_links_as_text``:
    then its words stay, as text (for an organisation's own lesson after a release removed a
    page it linked to: there is no standard text to fall back on)."""
    tokens = _LESSONS.parse(lesson.markdown)
    for token in walk(tokens):
        try:
            _style(token, resolve_link)
        except KeyError:
            if not broken_links_as_text:
                raise
            token.attrs.pop("href", None)
    html: str = _LESSONS.renderer.render(tokens, _LESSONS.options, {})
    return mark_safe(html)  # raw HTML is off: every character of the lesson was escaped


#: Lessons, and everything an organisation writes through them (its own lessons and modules,
#: its policies), show no images: one would be fetched by every reader's browser, signed in,
#: from wherever the writer chose.
_LESSONS = MarkdownIt("commonmark", {"html": False}).disable("image")


def _style(token: Token, resolve_link: Callable[[str], str]) -> None:
    """GOV.UK classes; ``product:`` and ``help:`` links to this service's pages; any link
    other than those and http or https keeps its words and loses its target (``mailto:``,
    ``tel:``, ``data:`` and the schemes that start programs)."""
    style(token)
    if token.type == "link_open":
        href = str(token.attrGet("href") or "")
        if href.startswith(("product:", "help:")):
            token.attrSet("href", resolve_link(href))
        elif not is_web_link(href):
            token.attrs.pop("href", None)


def links_in(lesson: Lesson) -> list[str]:
    """Every link target the lesson's Markdown writes (for the content tests, and to check an
    organisation's own text before it is published)."""
    return [
        str(token.attrGet("href"))
        for token in walk(MARKDOWN.parse(lesson.markdown))
        if token.type == "link_open"
    ]


def has_top_heading(markdown: str) -> bool:
    """Whether the Markdown has a level 1 heading (``#`` or underlined with ``=``), which a
    lesson must not: the page's own heading is the lesson's title."""
    return any(
        token.type == "heading_open" and token.tag == "h1" for token in MARKDOWN.parse(markdown)
    )
