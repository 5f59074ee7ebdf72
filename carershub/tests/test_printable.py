"""Stored text cleaned for outputs (``shared.printable``) and for spreadsheet cells."""

from __future__ import annotations

from datetime import date

from carershub.tests.awkward_text import CJK, EMOJI, RTL, VIETNAMESE, WELSH
from shared.printable import one_line, printable
from shared.spreadsheets import safe_cell, sheet_title


def test_control_characters_are_removed_and_every_line_break_is_one_newline():
    assert printable("a\x01b\x1bc\x7fd\x9fe\x00f") == "abcdef"
    assert printable("one\r\ntwo\rthree\x0bfour\x0cfive\u2028six\x85seven") == (
        "one\ntwo\nthree\nfour\nfive\nsix\nseven"
    )
    assert printable("tab\tkept") == "tab\tkept"


def test_any_script_emoji_and_right_to_left_text_are_left_as_they_are():
    text = " ".join([WELSH, VIETNAMESE, CJK, EMOJI, RTL, "cafe\u0301"])
    assert printable(text) == text


def test_what_cannot_be_encoded_becomes_the_replacement_character():
    assert printable("a\ud800b\uffffc") == "a\ufffdb\ufffdc"
    printable("a\ud800b").encode("utf-8")  # no longer raises


def test_nothing_and_non_text_values():
    assert printable(None) == ""
    assert printable(12) == "12"


def test_one_line_joins_lines_and_white_space():
    assert one_line(" Plan\r\nBcc: x@example.org\x0b\tnow ") == "Plan Bcc: x@example.org now"


def test_a_cell_is_cleaned_before_the_formula_check():
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell('\x01=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("\x0b@cmd") == "\n@cmd"  # a line break first: no formula either way
    assert safe_cell("a\x0bb\x01c") == "a\nbc"
    assert safe_cell(date(2026, 4, 1)) == "2026-04-01"
    assert safe_cell(None) == ""


def test_a_sheet_title_is_one_clean_line_of_at_most_31_characters():
    assert sheet_title("Plan\x01\nfor 2026/27 " + "x" * 40, default="Plan") == (
        "Plan for 2026/27 " + "x" * 14
    )
    assert sheet_title("\x01 \x1b", default="Plan") == "Plan"
