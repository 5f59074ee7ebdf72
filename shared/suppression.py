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

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
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
