"""One way to write a date for people: "1 June 2027" (shared/formats/en_GB/formats.py).

Used by PDFs, emails and messages built in Python, so they read like the pages; month and
day names come from the active language.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

#: Spelled out here rather than read from the locale's formats, so a task or command running
#: with no language active still writes the same.
LONG_DATE = "j F Y"


def long_date(value: date | datetime) -> str:
    """``1 June 2027``; a datetime is read in the site's time zone first."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return date_format(value, LONG_DATE)


def long_date_with_day(value: date) -> str:
    """``Tuesday 1 June 2027``, where the day of the week matters (a day of leave)."""
    return date_format(value, "l " + LONG_DATE)


def long_datetime(value: datetime) -> str:
    """``1 June 2027, 14:05`` in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, LONG_DATE + ", H:i")
