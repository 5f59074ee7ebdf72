"""Every table of more than two columns stacks on small screens (``app-table--stack`` in
frontend/app.scss): the table carries the class and each body cell names its column heading
in ``data-label``, except a row header, an action whose heading is hidden, and a cell spanning
columns (the "nothing yet" row). The browser test ``test_stacked_tables.py`` checks the look."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TABLE = re.compile(r"<table\b.*?</table>", re.S)
HEAD = re.compile(r"<thead.*?</thead>", re.S)
HEADING = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
CELL = re.compile(r"<t[dh]\b[^>]*>")


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in root.glob("*/templates/**/*.html")
        if path.relative_to(root).parts[0] not in {".venv", "node_modules", "build"}
        # A PDF's page has a fixed width: its tables are laid out for print, never stacked.
        and "pdf" not in path.relative_to(root).parts
    )


def _problems(path: Path, source: str) -> list[str]:
    problems = []
    for table in TABLE.findall(source):
        head = HEAD.search(table)
        if head is None:
            continue
        headings = HEADING.findall(head.group(0))
        if len(headings) <= 2:
            continue
        if "app-table--stack" not in table.split(">", 1)[0]:
            problems.append(f"{path}: a table of {len(headings)} columns does not stack")
            continue
        for row in table[head.end() :].split("<tr")[1:]:
            for index, cell in enumerate(CELL.findall(row)):
                if "colspan" in cell or 'scope="row"' in cell or "data-label" in cell:
                    continue
                if index < len(headings) and "govuk-visually-hidden" in headings[index]:
                    continue  # an action: its button or link says what it does
                problems.append(f"{path}: {cell} does not name its column heading")
    return problems


def test_every_table_of_more_than_two_columns_stacks_and_names_its_headings() -> None:
    root = Path(settings.BASE_DIR)
    problems = []
    for path in _templates():
        problems += _problems(path.relative_to(root), path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_a_wide_table_without_the_class_or_a_heading_is_found() -> None:
    head = (
        '<thead><tr><th scope="col">A</th><th scope="col">B</th><th scope="col">C</th></tr></thead>'
    )
    plain = f'<table class="govuk-table">{head}<tbody><tr><td>1</td></tr></tbody></table>'
    assert _problems(Path("t.html"), plain)
    unnamed = (
        f'<table class="govuk-table app-table--stack">{head}<tbody><tr>'
        '<td data-label="A">1</td><td>2</td></tr></tbody></table>'
    )
    assert _problems(Path("t.html"), unnamed) == ["t.html: <td> does not name its column heading"]
    action = (
        '<table class="govuk-table app-table--stack"><thead><tr><th>A</th><th>B</th>'
        '<th><span class="govuk-visually-hidden">Actions</span></th></tr></thead><tbody><tr>'
        '<td data-label="A">1</td><td data-label="B">2</td><td><a href="#">View</a></td>'
        "</tr></tbody></table>"
    )
    assert _problems(Path("t.html"), action) == []
