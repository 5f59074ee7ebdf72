"""What changed since last month, worked out from the two months' figures as shown.

Only shown figures are compared: both are 0 or multiples of 5, so their difference is too,
and a figure hidden in either month makes the change "not shown" rather than a difference
that could be read back into a small count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from insights.disclosure import Figure
from insights.report import Report


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    now: str
    #: The difference in words, or why there is none.
    change: str


def _between(before: int | None, now: int | None, *, unit: str = "") -> str:
    if before is None or now is None:
        return _("not shown: a figure in one of the months is too small to show")
    difference = now - before
    if difference == 0:
        return _("no change")
    amount = f"{abs(difference):,}{unit}"
    return (_("up %(amount)s") if difference > 0 else _("down %(amount)s")) % {"amount": amount}


def _figure(key: str, label: str, before: Figure, now: Figure) -> Change:
    return Change(key, label, before.label, now.label, _between(before.value, now.value))


def _percent(value: int | None) -> str:
    return _("not shown") if value is None else f"{value}%"


def _overdue(report: Report) -> Figure | None:
    return next((line.figure for line in report.reviews if line.key == "review_overdue"), None)


def changes_between(before: Report, now: Report) -> list[Change]:
    """The headline figures of two months side by side, with the change between them."""
    out = [
        _figure("staff", _("Staff in post"), before.carers.staff, now.carers.staff),
        _figure(
            "carers", _("Carers who chose to be counted"), before.carers.carers, now.carers.carers
        ),
        Change(
            "share",
            _("Share of staff counted as carers"),
            _percent(before.carers.percent),
            _percent(now.carers.percent),
            _between(before.carers.percent, now.carers.percent, unit=_(" percentage points")),
        ),
        _figure(
            "passports_agreed", _("Passports agreed"), before.passports_agreed, now.passports_agreed
        ),
    ]
    overdue_before, overdue_now = _overdue(before), _overdue(now)
    if overdue_before is not None and overdue_now is not None:
        out.append(
            _figure("review_overdue", _("Passport reviews overdue"), overdue_before, overdue_now)
        )
    out.append(
        _figure(
            "flexible_received",
            _("Flexible-working requests in the last year"),
            before.flexible_received,
            now.flexible_received,
        )
    )
    if before.network_exists or now.network_exists:
        out.append(
            _figure(
                "network_members",
                _("Carer network members"),
                before.network_members,
                now.network_members,
            )
        )
    return out
