"""Small-number suppression for every count we report (docs/trust-rules.md, rule 4).

A count under the threshold is shown as "fewer than 5". When a total is shown too,
one hidden cell could be worked out by subtraction, so the next smallest cell is
hidden as well (secondary suppression).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

THRESHOLD = 5


@dataclass(frozen=True)
class Count:
    """A count as it may be shown: ``value`` is None when suppressed."""

    value: int | None
    #: Hidden though not small itself, because it would give a small one away.
    secondary: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None and self.secondary:
            return _("not shown")
        if self.value is None:
            return _("fewer than %(n)s") % {"n": THRESHOLD}
        return f"{self.value:,}"


def suppress(value: int, threshold: int = THRESHOLD) -> Count:
    """One count on its own: hidden when between 1 and ``threshold`` - 1."""
    return Count(None if 0 < value < threshold else value)


def suppress_with_total[K](
    values: Mapping[K, int], threshold: int = THRESHOLD
) -> tuple[dict[K, Count], Count]:
    """Counts shown beside their total, with secondary suppression.

    If exactly one cell is hidden, the smallest other non-zero cell is hidden too, so
    that no hidden value can be recovered from the total. The total itself is hidden
    when it is small.
    """
    hidden = {key for key, value in values.items() if 0 < value < threshold}
    if len(hidden) == 1:
        others = sorted(
            (value, str(key), key)
            for key, value in values.items()
            if key not in hidden and value > 0
        )
        if others:
            hidden.add(others[0][2])
    cells = {key: Count(None if key in hidden else value) for key, value in values.items()}
    return cells, suppress(sum(values.values()), threshold)


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole`` as it may be shown: ``rest`` is the whole less the part."""

    part: Count
    rest: Count
    whole: Count

    @property
    def hidden(self) -> bool:
        return self.part.suppressed or self.rest.suppressed

    @property
    def percent(self) -> int | None:
        """The part as a whole percentage; None when hidden or when there is no whole."""
        if self.hidden or self.part.value is None or not self.whole.value:
            return None
        return round(100 * self.part.value / self.whole.value)


def suppress_share(part: int, whole: int, threshold: int = THRESHOLD) -> Share:
    """One share on its own: the part and the rest are hidden together when either is small,
    since the whole and one of them give away the other."""
    return suppress_shares({None: (part, whole)}, threshold)[None]


def suppress_shares[K](
    rows: Mapping[K, tuple[int, int]], threshold: int = THRESHOLD
) -> dict[K, Share]:
    """Shares (part, whole) for rows that together make up a total shown elsewhere, such as the
    units of an organisation beside its overall figure.

    Wholes say how many there are, not which way anyone went: they are suppressed as counts
    beside their total (``suppress_with_total``). A row whose part or rest is small, or whose
    whole is hidden, hides its part, rest and whole. Then, because the overall figure less the
    rows shown gives the hidden rows' sums, more rows are hidden, smallest first, until the
    hidden rows' parts, rests and wholes each add up to none or to at least ``threshold``, and
    the hidden people did not all go the same way while a small row is among them.
    """
    wholes, _total = suppress_with_total(
        {key: whole for key, (_part, whole) in rows.items()}, threshold
    )
    rest = {key: whole - part for key, (part, whole) in rows.items()}
    hidden = {
        key
        for key, (part, _whole) in rows.items()
        if 0 < part < threshold or 0 < rest[key] < threshold or wholes[key].suppressed
    }

    def recoverable() -> bool:
        parts = sum(rows[key][0] for key in hidden)
        rests = sum(rest[key] for key in hidden)
        sizes = sum(rows[key][1] for key in hidden)
        if 0 < parts < threshold or 0 < rests < threshold or 0 < sizes < threshold:
            return True
        # Every hidden person went the same way (nobody passed, or everybody did): a small row
        # among them is then known person by person, however many rows are hidden with it.
        same_way = parts == 0 or rests == 0
        return same_way and any(0 < rows[key][1] < threshold for key in hidden)

    while hidden and recoverable():
        candidates = sorted(
            (whole, str(key), key)
            for key, (_part, whole) in rows.items()
            if key not in hidden and whole > 0
        )
        if not candidates:
            break
        hidden.add(candidates[0][2])

    def cell(key: K, value: int) -> Count:
        if key not in hidden:
            return Count(value)
        return Count(None, secondary=not 0 < value < threshold)

    return {
        key: Share(
            part=cell(key, part),
            rest=cell(key, rest[key]),
            # A hidden row hides its size too: sizes beside the total would pin down how many
            # the hidden rows hold, and so what they hide.
            whole=(
                Count(None, secondary=not 0 < whole < threshold)
                if wholes[key].suppressed or key in hidden
                else wholes[key]
            ),
        )
        for key, (part, whole) in rows.items()
    }
