"""A page's title is plain words: the ``head_title`` block becomes the browser tab's name and
what a screen reader announces first, so markup inside it is read out as text (a merge once
left a paragraph there). Checked in the template sources, where the mistake is made."""

from __future__ import annotations

import re
from pathlib import Path

from carershub.tests.test_stacked_tables import _templates

TITLE = re.compile(r"{%\s*block head_title\s*%}(.*?){%\s*endblock", re.S)
TAG = re.compile(r"<\s*/?\s*[a-zA-Z]")


def title_problems(path: Path, source: str) -> list[str]:
    return [
        f"{path}: markup in the page title: {title.strip()[:80]}"
        for title in TITLE.findall(source)
        if TAG.search(title) or "\n" in title.strip()
    ]


def test_no_page_title_holds_markup() -> None:
    templates = _templates()
    assert len(templates) > 100
    problems = [p for path in templates for p in title_problems(path, path.read_text())]
    assert not problems, "\n".join(problems)


def test_the_check_finds_markup_in_a_title() -> None:
    source = '{% block head_title %}Figures<p class="govuk-body">Words</p>\n{% endblock %}'
    assert title_problems(Path("x.html"), source)
    assert not title_problems(
        Path("x.html"), "{% block head_title %}Figures: {{ a }}{% endblock %}"
    )
