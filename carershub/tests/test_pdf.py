"""The shared PDF set-up (``shared.pdf``): text as reportlab can print it, and documents
that build whatever their text."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, TableStyle

from carershub.tests.awkward_text import CJK, MARKUP, POLISH, VIETNAMESE, WELSH
from carershub.tests.pdfs import assert_only_embedded_dejavu
from carershub.tests.pdfs import pdf_text as text_of
from shared.pdf import pdf_build, pdf_plain, pdf_styles, pdf_table, pdf_text


def test_text_is_escaped_for_a_paragraph_with_its_line_breaks():
    assert pdf_text("a < b & c > d\r\ne\tf") == "a &lt; b &amp; c &gt; d<br/>e f"


def test_letters_with_a_combining_accent_become_one_letter_and_invisible_marks_go():
    assert pdf_plain("cafe\u0301 \u202eabc\u202c a\u200db \ufe0f") == "café abc ab "


def test_what_the_font_cannot_print_is_one_replacement_character_each():
    assert pdf_plain(f"{WELSH} {VIETNAMESE} {POLISH}") == f"{WELSH} {VIETNAMESE} {POLISH}"
    assert pdf_plain(f"{CJK} 😀 \x01") == "\ufffd\ufffd 😀 "  # DejaVu has this emoji
    assert pdf_plain("\U0001f3f3 \ud83d") == "\ufffd \ufffd"


def test_a_table_row_taller_than_a_page_continues_on_the_next():
    styles = pdf_styles()
    rows = [["Heading"], [Paragraph(pdf_text("W" * 10_000), styles["BodyText"])]]
    content = pdf_build(
        [pdf_table(rows, [30 * mm], TableStyle([]))], title=f"{WELSH}\x01", author=MARKUP
    )
    assert_only_embedded_dejavu(content)
    assert text_of(content).count("W") == 10_000


def test_unbalanced_markup_in_stored_text_is_printed_as_typed():
    content = pdf_build(
        [Paragraph(pdf_text(MARKUP), pdf_styles()["BodyText"])], title="t", author="a"
    )
    assert "<b>bold</b> <i>unclosed &" in text_of(content)
