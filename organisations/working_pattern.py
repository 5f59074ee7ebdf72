"""Which weekdays someone normally works, kept on the staff record as ISO weekday digits.

``"12345"`` is Monday to Friday; ``""`` is an irregular pattern with no fixed days (shift
rotas, zero-hours work), where any day may be someone's working day. The statutory
rules need this to keep carer's leave on days the person would otherwise work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

StrOrPromise = str | Promise

#: ISO weekday number → (short code used by the CSV import and the API, label).
WEEKDAYS: tuple[tuple[int, str, StrOrPromise], ...] = (
    (1, "mon", _lazy("Monday")),
    (2, "tue", _lazy("Tuesday")),
    (3, "wed", _lazy("Wednesday")),
    (4, "thu", _lazy("Thursday")),
    (5, "fri", _lazy("Friday")),
    (6, "sat", _lazy("Saturday")),
    (7, "sun", _lazy("Sunday")),
)
MONDAY_TO_FRIDAY = "12345"
IRREGULAR = ""
CODES = {code: number for number, code, _label in WEEKDAYS}
_LABELS = {number: label for number, _code, label in WEEKDAYS}
#: Spellings accepted in a CSV cell, compared in lower case.
_SPELLINGS = {
    **{code: number for code, number in CODES.items()},
    **{str(label).lower(): number for number, label in _LABELS.items()},
    "tues": 2,
    "weds": 3,
    "thur": 4,
    "thurs": 4,
}
_IRREGULAR_WORDS = {"irregular", "none", "varies", "variable"}


def normalise(days: Iterable[int]) -> str:
    """The stored form: sorted, unique ISO weekday digits."""
    chosen = sorted(set(days))
    if any(day < 1 or day > 7 for day in chosen):
        raise ValidationError(_("Weekdays are numbered 1 (Monday) to 7 (Sunday)."))
    return "".join(str(day) for day in chosen)


def validate_working_days(value: str) -> None:
    """Model validator: only sorted, unique digits 1 to 7 (or nothing, for irregular)."""
    if not re.fullmatch(r"[1-7]{0,7}", value) or normalise(int(c) for c in value) != value:
        raise ValidationError(
            _("Working days must be weekday numbers from 1 (Monday) to 7 (Sunday), in order.")
        )


def weekdays(value: str) -> frozenset[int]:
    """The ISO weekday numbers of a stored pattern; empty for an irregular pattern."""
    return frozenset(int(c) for c in value)


def to_codes(value: str) -> list[str]:
    """The API's form: ``["mon", "tue", ...]``; ``[]`` for an irregular pattern."""
    return [code for number, code, _label in WEEKDAYS if str(number) in value]


def from_codes(codes: Iterable[str]) -> str:
    """Stored form from the API's codes; an unknown code is a validation error."""
    try:
        return normalise(CODES[code.strip().lower()] for code in codes)
    except KeyError as exc:
        raise ValidationError(
            {"working_days": _("Use mon, tue, wed, thu, fri, sat and sun.")}
        ) from exc


def describe(value: str) -> str:
    """Words for people: "Monday to Friday", "Monday, Wednesday and Friday", "No fixed days"."""
    if value == IRREGULAR:
        return _("No fixed days")
    numbers = [int(c) for c in value]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return _("%(first)s to %(last)s") % {
            "first": _LABELS[numbers[0]],
            "last": _LABELS[numbers[-1]],
        }
    labels = [str(_LABELS[n]) for n in numbers]
    if len(labels) == 1:
        return labels[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(labels[:-1]), "last": labels[-1]}


def parse(text: str) -> str:
    """Read a CSV cell: day names or short names separated by commas, spaces or semicolons,
    ranges such as ``Mon-Fri``, or ``Irregular`` for no fixed days.

    Raises ``ValueError`` with a message for the row error.
    """
    cleaned = text.strip().lower()
    if cleaned in _IRREGULAR_WORDS:
        return IRREGULAR
    days: set[int] = set()
    for written in re.split(r"[,;/\s]+", re.sub(r"\s*[-\u2013]\s*", "-", text.strip())):
        part = written.lower()
        if not part:
            continue
        ends = part.split("-")
        if len(ends) == 2 and all(end in _SPELLINGS for end in ends):
            first, last = _SPELLINGS[ends[0]], _SPELLINGS[ends[1]]
            if first > last:
                raise ValueError(
                    _("“%(value)s” must run forwards, like Mon-Fri") % {"value": written}
                )
            days.update(range(first, last + 1))
        elif part in _SPELLINGS:
            days.add(_SPELLINGS[part])
        else:
            raise ValueError(
                _("“%(value)s” is not a day; write days like Mon, Tue, or Mon-Fri, or Irregular")
                % {"value": written}
            )
    if not days:
        raise ValueError(_("must name at least one day, or say Irregular"))
    return normalise(days)


#: Stored values of ``StaffRecord.works_bank_holidays``.
BANK_HOLIDAYS_DEFAULT, BANK_HOLIDAYS_YES, BANK_HOLIDAYS_NO = "default", "yes", "no"
_BANK_HOLIDAY_SPELLINGS = {
    **dict.fromkeys(("yes", "y", "true", "1", "rostered"), BANK_HOLIDAYS_YES),
    **dict.fromkeys(("no", "n", "false", "0"), BANK_HOLIDAYS_NO),
    **dict.fromkeys(
        ("default", "organisation default", "organisation's default", "org default"),
        BANK_HOLIDAYS_DEFAULT,
    ),
}


def works_bank_holidays(value: str, *, organisation_default: bool) -> bool:
    """Whether bank holidays are working days: a person's own yes or no, else the default."""
    if value == BANK_HOLIDAYS_DEFAULT:
        return organisation_default
    return value == BANK_HOLIDAYS_YES


def parse_bank_holidays(text: str) -> str:
    """Read a CSV cell: Yes, No or Default (the organisation's). Raises ``ValueError``."""
    value = _BANK_HOLIDAY_SPELLINGS.get(" ".join(text.replace("\u2019", "'").lower().split()))
    if value is None:
        raise ValueError(_("must be Yes, No or Default"))
    return value
