"""A table's rows read their cells' labels from variables translated once, before the loop.

``{% translate %}`` inside a ``{% for %}`` runs once a row: for the staff list's fifty rows
of five labelled cells, that was 250 look-ups and more than half of the page's rendering
(bench/README.md). Translating before the loop gives the same text and escaping (``{{ }}``
escapes what ``{% translate %}`` would have), so a loop that labels its cells must not
translate inside itself (its ``{% empty %}`` text, shown once, may).

The check reads each loop's own text, not the partials it includes once a row; four of those
still translate in each row (bench/README.md, "What would close the gaps")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

_NOT_SOURCE = {".venv", "node_modules", ".git", "build", "var", ".tools", "scripts"}
_LOOP = re.compile(r"\{%\s*(for|endfor|empty)\b[^%]*%\}")
_ROW_LABEL = re.compile(r"data-label=")
_TRANSLATE = re.compile(r"\{%\s*(?:translate|trans)\s+(['\"])(?:(?!\1).)*\1\s*%\}")


def _templates() -> Iterator[Path]:
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*.html"):
        if not set(path.relative_to(root).parts) & _NOT_SOURCE:
            yield path


def rows_translating_inside(source: str) -> list[str]:
    """The ``{% translate %}`` tags inside loops that label table cells, outside their
    ``{% empty %}`` part."""
    found: list[str] = []
    depth, start = 0, 0
    for tag in _LOOP.finditer(source):
        kind = tag.group(1)
        if kind == "for":
            if depth == 0:
                start = tag.start()
            depth += 1
        elif kind == "endfor":
            depth -= 1
            if depth == 0:
                loop = source[start : tag.end()]
                if _ROW_LABEL.search(loop):
                    found += [m.group(0) for m in _TRANSLATE.finditer(_before_empty(loop))]
    return found


def _before_empty(loop: str) -> str:
    depth = 0
    for tag in _LOOP.finditer(loop):
        if tag.group(1) == "for":
            depth += 1
        elif tag.group(1) == "endfor":
            depth -= 1
        elif depth == 1:
            return loop[: tag.start()]
    return loop


def test_the_check_finds_a_translation_inside_a_row_loop() -> None:
    inside = '{% for r in rows %}<td data-label="{% translate "Name" %}">{{ r }}</td>{% endfor %}'
    hoisted = (
        '{% translate "Name" as t_name %}{% for r in rows %}<td data-label="{{ t_name }}">'
        '{{ r }}</td>{% empty %}{% translate "None" %}{% endfor %}'
    )
    assert rows_translating_inside(inside) == ['{% translate "Name" %}']
    assert rows_translating_inside(hoisted) == []


def test_no_table_row_translates_inside_its_loop() -> None:
    root = Path(settings.BASE_DIR)
    wrong = [
        f"{path.relative_to(root)}: {tag}"
        for path in _templates()
        for tag in rows_translating_inside(path.read_text())
    ]
    assert not wrong, "\n".join(wrong)
