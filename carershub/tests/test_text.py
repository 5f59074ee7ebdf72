"""The text rule (shared/text.py, docs/text.md): what is kept, changed and refused."""

# ruff: noqa: RUF001 (the text of other scripts is what is tested)

from __future__ import annotations

import unicodedata

import pytest

from shared.text import TextRuleError, clean_filename, clean_text, scrub_json, scrub_text

#: Text that must come through untouched, in one line and in several.
KEPT = {
    "plain": "Ann Lee",
    "welsh": "Gwŵr ac ŷd, Siân ap Dafydd",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "cjk": "田中さんの介護 — 照顾父母",
    "arabic with a right-to-left mark": "رعاية\u200f الوالدين",
    "hebrew with an isolate": "\u2067שלום\u2069 Ann",
    "zero-width joiner family emoji": "👩\u200d👩\u200d👧 and 🏳️\u200d🌈",
    "welsh flag tag sequence": "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    "zero-width non-joiner": "می\u200cخواهم",
    "emoji with a variation selector": "☎\ufe0f 07700 900000",
    "private use": "\ue000",
    "not yet assigned in this Python": "\U0001fadf",
    "formula text": '=HYPERLINK("x")',
    "template syntax": "{{ x }} {% y %}",
    "empty": "",
}


@pytest.mark.parametrize("text", KEPT.values(), ids=KEPT.keys())
@pytest.mark.parametrize("multiline", [False, True])
def test_legitimate_text_of_any_script_is_kept_exactly(text, multiline):
    assert clean_text(text, multiline=multiline) == text


def test_combining_marks_are_kept_and_composed_to_nfc():
    decomposed = "Zoe\u0308 and Sia\u0302n"  # e + combining diaeresis, a + circumflex
    assert clean_text(decomposed, multiline=False) == "Zoë and Siân"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed, multiline=True))
    # A mark with nothing to compose with stays as it is.
    assert clean_text("x\u0301\u0316", multiline=False) == unicodedata.normalize(
        "NFC", "x\u0301\u0316"
    )


#: Line breaks as they arrive → what a text area keeps.
BREAKS = {
    "CR LF, as browsers send a text area": ("one\r\ntwo", "one\ntwo"),
    "CR alone": ("one\rtwo", "one\ntwo"),
    "vertical tab, as Word pastes a line break": ("one\x0btwo", "one\ntwo"),
    "form feed": ("one\x0ctwo", "one\ntwo"),
    "next line (NEL)": ("one\x85two", "one\ntwo"),
    "line separator": ("one\u2028two", "one\ntwo"),
    "paragraph separator": ("one\u2029two", "one\ntwo"),
    "tab and LF kept": ("a\tb\n\nc", "a\tb\n\nc"),
}


@pytest.mark.parametrize(("raw", "kept"), BREAKS.values(), ids=BREAKS.keys())
def test_a_text_area_keeps_tab_and_line_feed_and_makes_every_line_break_a_line_feed(raw, kept):
    assert clean_text(raw, multiline=True) == kept


@pytest.mark.parametrize("raw", [raw for raw, _kept in BREAKS.values()], ids=BREAKS.keys())
def test_a_single_line_makes_every_line_break_and_tab_a_space(raw):
    cleaned = clean_text(raw, multiline=False)
    assert "\n" not in cleaned
    assert "\t" not in cleaned
    assert " " in cleaned


def test_an_unchanged_text_area_round_trips():
    """A browser sends back CR LF for the LF it was given: saving it unchanged changes nothing."""
    stored = clean_text("first\r\nsecond\r\n\r\nthird", multiline=True)
    assert clean_text(stored.replace("\n", "\r\n"), multiline=True) == stored


#: One of each class of character that is not text.
NOT_TEXT = {
    "NUL": "\x00",
    "start of heading": "\x01",
    "backspace": "\x08",
    "shift out": "\x0e",
    "escape": "\x1b",
    "record separator": "\x1e",
    "unit separator": "\x1f",
    "DEL": "\x7f",
    "C1 padding character": "\x80",
    "C1 control (CSI)": "\x9b",
    "C1 application program command": "\x9f",
    "left-to-right embedding": "\u202a",
    "right-to-left embedding": "\u202b",
    "pop directional formatting": "\u202c",
    "left-to-right override": "\u202d",
    "right-to-left override": "\u202e",
    "noncharacter U+FFFE": "\ufffe",
    "noncharacter U+FFFF": "\uffff",
    "noncharacter U+FDD0": "\ufdd0",
    "noncharacter at the end of plane 16": "\U0010ffff",
}


@pytest.mark.parametrize("char", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_single_line_loses_characters_that_are_not_text(char):
    assert clean_text(f"Ann{char} Lee", multiline=False) == "Ann Lee"


@pytest.mark.parametrize("char", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_text_area_refuses_them_naming_the_character_and_its_line(char):
    with pytest.raises(TextRuleError) as caught:
        clean_text(f"first line\r\nsecond {char} line", multiline=True, label="Aim")
    message = caught.value.messages[0]
    assert message.startswith("Aim has ")
    assert f"U+{ord(char):04X}" in message
    assert "on line 2" in message


@pytest.mark.parametrize("char", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_an_import_refuses_them_in_a_single_line_too(char):
    with pytest.raises(TextRuleError) as caught:
        clean_text(f"P{char}5", multiline=False, strict=True)
    assert f"U+{ord(char):04X}" in caught.value.reason
    assert "line" not in caught.value.reason


def test_the_messages_say_why():
    def message(text: str) -> str:
        with pytest.raises(TextRuleError) as caught:
            clean_text(text, multiline=True, label="Notes")
        return caught.value.messages[0]

    assert message("a\x1bb") == (
        "Notes has a hidden control character (U+001B) on line 1 that cannot be shown or "
        "printed. Retype that line."
    )
    assert "misleading order" in message("a\u202eb")
    assert "not a character of any language" in message("a\uffffb")
    assert "broken character (U+D800)" in message("a\ud800b")


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("surrogate", [chr(0xD800), chr(0xDFFF), "a" + chr(0xDC00)])
def test_a_lone_surrogate_is_always_refused(surrogate, multiline):
    with pytest.raises(TextRuleError) as caught:
        clean_text(surrogate, multiline=multiline)
    assert caught.value.code == "broken_character"


def test_a_pair_of_surrogates_written_properly_is_an_emoji_and_kept():
    assert clean_text("\U0001f600", multiline=False) == "😀"


def test_scrubbing_stored_text_removes_instead_of_refusing():
    assert scrub_text("a\x1b\r\nb\ud800\u202e\uffffc", multiline=True) == "a\nbc"
    assert scrub_text("a\x0bb\x00", multiline=False) == "a b"
    assert scrub_text("Zoe\u0308", multiline=False) == "Zoë"
    assert scrub_json({"a": ["x\x01", {"b": "y\r\n"}], "n": 3, "t": None}) == {
        "a": ["x", {"b": "y\n"}],
        "n": 3,
        "t": None,
    }


FILE_NAMES = {
    "plain": ("Carers policy 2026.pdf", "Carers policy 2026.pdf"),
    "a Windows path": ("C:\\Users\\ann\\Policy.docx", "Policy.docx"),
    "a POSIX path": ("../../etc/passwd", "passwd"),
    "a reversed extension": ("invoice\u202efdp.exe", "invoicefdp.exe"),
    "an isolate and a mark": ("a\u2067b\u200fc.pdf", "abc.pdf"),
    "control characters": ("re\x00po\x1brt\n.csv", "report .csv"),
    "decomposed accents": ("Sia\u0302n.txt", "Siân.txt"),
    "only dots": ("...", "file"),
    "nothing": ("", "file"),
    "none": (None, "file"),
    "leading and trailing dots and spaces": (" .hidden. ", "hidden"),
    "Welsh": ("Polisi gofalwyr – Gŵyl.pdf", "Polisi gofalwyr – Gŵyl.pdf"),
}


@pytest.mark.parametrize(("name", "cleaned"), FILE_NAMES.values(), ids=FILE_NAMES.keys())
def test_an_upload_name_is_made_safe_to_store_and_show(name, cleaned):
    assert clean_filename(name) == cleaned


def test_a_long_upload_name_keeps_its_extension():
    cleaned = clean_filename("a" * 500 + ".xlsx", limit=200)
    assert len(cleaned) == 200
    assert cleaned.endswith("a.xlsx")
