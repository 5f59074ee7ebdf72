"""The shared PDF set-up (``shared.pdf``): text as the embedded fonts can print it, and
documents that are tagged and build whatever their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from carershub.tests.awkward_text import CJK, MARKUP, POLISH, VIETNAMESE, WELSH
from carershub.tests.pdfs import NAMES, assert_accessible, structure_roles
from carershub.tests.pdfs import pdf_text as text_of
from shared.pdf import FACES, FONT_DIR, font_faces, pdf_plain, pdf_render


@pytest.fixture
def page(settings, tmp_path: Path) -> str:
    """A template like a document's: a heading, a paragraph and a table of stored text."""
    (tmp_path / "page.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Heading</h1>'
        "<p>{{ text|linebreaksbr }}</p><table><thead><tr><th>Cell</th></tr></thead>"
        "<tbody><tr><td>{{ cell }}</td></tr></tbody></table>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return "page.html"


def test_letters_with_a_combining_accent_become_one_letter_and_invisible_marks_go():
    assert pdf_plain("cafe\u0301 \u202eabc\u202c a\u200db \ufe0f") == "café abc ab "


def test_what_no_font_can_print_is_one_replacement_character_each():
    assert (
        pdf_plain(f"{WELSH} {VIETNAMESE} {POLISH} {CJK}") == f"{WELSH} {VIETNAMESE} {POLISH} {CJK}"
    )
    assert pdf_plain("😀 \x01\U0001f3f3 \ud83d") == "😀 \ufffd \ufffd"  # DejaVu has this emoji


def test_every_font_is_a_file_of_the_project():
    faces = font_faces()
    for _family, name, _weight, _style in FACES:
        assert (FONT_DIR / name).is_file()
        assert (FONT_DIR / name).as_uri() in faces


def test_a_document_is_tagged_with_its_language_and_title_and_prints_every_name(page):
    title = f"{' '.join(NAMES)}\x01"
    content = pdf_render(page, {"text": " ".join(NAMES), "cell": "x"}, title=title, author=MARKUP)
    assert_accessible(content, title=" ".join(NAMES))
    roles = [role for role in structure_roles(content) if role not in ("/Span", "/NonStruct")]
    assert roles[:3] == ["/Document", "/H1", "/P"]  # in reading order
    for role in ("/Table", "/THead", "/TH", "/TBody", "/TD"):
        assert role in roles, role
    for name in NAMES:
        assert name in text_of(content), name


def test_a_table_row_taller_than_a_page_continues_on_the_next(page):
    content = pdf_render(page, {"text": "t", "cell": "W" * 10_000}, title="t", author="a")
    assert_accessible(content)
    assert text_of(content).count("W") == 10_000


def test_markup_in_stored_text_is_printed_as_typed(page):
    content = pdf_render(page, {"text": MARKUP + "\nnext", "cell": MARKUP}, title="t", author="a")
    assert "<b>bold</b> <i>unclosed &" in text_of(content)


@pytest.mark.parametrize(
    "address",
    [
        "file:///etc/passwd",
        f"file://{FONT_DIR}/../pdf.py",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "data:text/plain,hello",
    ],
)
def test_a_document_loads_nothing_but_the_projects_fonts(address):
    """An address that ever reached a template must not make the server fetch or read it."""
    from shared.pdf import _fonts_only

    with pytest.raises(ValueError, match="a PDF may not load"):
        _fonts_only()(address)


def test_a_document_still_loads_its_fonts():
    from shared.pdf import _fonts_only

    _family, path, _weight, _style = FACES[0]
    response = _fonts_only()((FONT_DIR / path).as_uri())
    try:
        assert response.read(4)
    finally:
        response.close()
