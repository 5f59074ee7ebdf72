"""Calendar entries (``shared.calendars``) hold any stored text in a file calendar apps
read: escaped, folded, without control characters."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar

from carershub.tests.awkward_text import CJK, CONTROLS, EMOJI, EVERYTHING, VIETNAMESE, WELSH
from shared.calendars import all_day_event, calendar_bytes, new_calendar
from shared.printable import printable

STAMP = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _file(summary: str, description: str, name: str = "Mine") -> bytes:
    calendar = new_calendar(product="Test", name=name)
    calendar.add_component(
        all_day_event(
            uid="one@test",
            summary=summary,
            first_day=date(2026, 6, 1),
            stamp=STAMP,
            description=description,
        )
    )
    return calendar_bytes(calendar)


def test_commas_semicolons_backslashes_and_line_breaks_are_escaped():
    body = _file("Plan, phase 1; a\\b", "one\r\ntwo\x0bthree")
    assert b"SUMMARY:Plan\\, phase 1\\; a\\\\b\r\n" in body
    assert b"DESCRIPTION:one\\ntwo\\nthree\r\n" in body


def test_long_lines_fold_at_75_octets_without_splitting_a_letter():
    body = _file(EVERYTHING, EVERYTHING, name=f"{WELSH} {CJK} " * 20)
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never falls inside a character
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["summary"]) == printable(EVERYTHING)


def test_control_characters_are_removed_and_the_file_reads_back():
    body = _file(f"{CONTROLS} {VIETNAMESE} {EMOJI}", "a\x01\x1b\x7fb", name="x\x1by")
    assert not any(byte < 0x20 and byte not in b"\r\n" for byte in body)
    calendar = Calendar.from_ical(body)
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == f"ab\ncd {VIETNAMESE} {EMOJI}"
    assert str(event["description"]) == "ab"
    assert str(calendar["x-wr-calname"]) == "xy"


def test_a_lone_surrogate_does_not_stop_the_file():
    body = _file("half \ud83d an emoji", "")
    assert "half \ufffd an emoji" in body.decode("utf-8")
