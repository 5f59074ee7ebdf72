"""How a count becomes safe to show: the method of docs/insight.md, in one place.

Every figure the insight pages, exports and API show is made here, from exact counts that
never leave the server. Three protections work together:

1. **Primary suppression.** A count from 1 to 4 is shown as "fewer than 5". A group of
   people in which fewer than 5 are *not* carers is hidden too, since it would say of almost
   everyone in it that they are carers (the complement rule).
2. **Secondary suppression.** Where a total is shown beside its parts, the hidden parts
   together must themselves pass the primary test and be at least two, or one of them could be
   worked out by subtraction: more parts are hidden, smallest first, until they do. Nested
   breakdowns (units within sites) are kept consistent both ways.
3. **Rounding.** Every count shown is rounded to the nearest 5 (5 to 7 show as 5). Sums and
   differences of rounded figures carry the uncertainty of each, so a hidden count cannot be
   pinned down from another breakdown of the same people, from a partnership's total less
   one organisation's, or from the month before.

Figures are taken once a month (``insights.services.take_snapshot``), so two reports on
different days of a month are the same report. Percentages are worked out from the rounded
figures shown, never from the exact ones, so they give nothing more away.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

#: Counts below this (and above zero) are never shown.
THRESHOLD = 5
#: Every count shown is a multiple of this.
ROUND_TO = 5


class Hidden(StrEnum):
    #: Small itself, or a group almost all of whom are carers.
    SMALL = "small"
    #: Not small, hidden so that a small one cannot be worked out.
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown: ``value`` is None when hidden, else 0 or a multiple of 5."""

    value: int | None
    hidden: Hidden | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        """What a table cell, chart label or export says."""
        if self.hidden == Hidden.SECONDARY:
            return _("not shown")
        if self.value is None:
            return _("fewer than %(n)s") % {"n": THRESHOLD}
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.label


def rounded(count: int) -> int:
    """``count`` (5 or more) to the nearest multiple of 5, halves up: 5 to 7 give 5."""
    return ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO)


def publish(count: int) -> Figure:
    """One count on its own: 0 as 0, 1 to 4 hidden, anything else rounded."""
    if count < 0:
        raise ValueError("A count cannot be negative")
    if count == 0:
        return Figure(0)
    if count < THRESHOLD:
        return Figure(None, Hidden.SMALL)
    return Figure(rounded(count))


def hide(count: int) -> Figure:
    return Figure(None, Hidden.SMALL if 0 < count < THRESHOLD else Hidden.SECONDARY)


def percent(part: Figure, whole: Figure) -> int | None:
    """``part`` of ``whole`` as a whole percentage, from the figures as shown (rounded), so
    that it says nothing the two figures do not; None when either is hidden or whole is 0."""
    if part.value is None or not whole.value:
        return None
    return min(100, round(100 * part.value / whole.value))


# --- counts that add up to a total ------------------------------------------------------


def _group_safe(values: Iterable[int], *, all_parts: bool) -> bool:
    """Hidden counts are safe together when their sum is 0 or at least the threshold, and
    there are at least two of them (one alone is the total less the rest) unless they are
    every part there is, when the total, tested on its own, stands for them."""
    values = list(values)
    total = sum(values)
    if 0 < total < THRESHOLD:
        return False
    return len(values) != 1 or all_parts


def protect_counts[K: Hashable](
    counts: Mapping[K, int], *, order: Callable[[K], object] = str
) -> tuple[dict[K, Figure], Figure]:
    """Counts that each person falls in exactly one of (outcomes of requests, say), shown
    beside their total. Returns each count's figure and the total's."""
    hidden = {key for key, value in counts.items() if 0 < value < THRESHOLD}
    while hidden and not _group_safe(
        (counts[key] for key in hidden), all_parts=len(hidden) == len(counts)
    ):
        candidates = sorted(
            (counts[key], order(key), key)
            for key in counts
            if key not in hidden and counts[key] > 0
        )
        if not candidates:
            break
        hidden.add(candidates[0][2])
    figures = {
        key: hide(value) if key in hidden else publish(value) for key, value in counts.items()
    }
    return figures, publish(sum(counts.values()))


# --- groups of people, some of them carers -----------------------------------------------


@dataclass(frozen=True)
class Row:
    """One group of people (a unit, a site, an hours band): how many carers among how many."""

    carers: Figure
    staff: Figure

    @property
    def percent(self) -> int | None:
        return percent(self.carers, self.staff)


@dataclass(frozen=True)
class Group:
    """The exact counts of one group, as the protection works on them."""

    carers: int
    staff: int

    @property
    def others(self) -> int:
        return self.staff - self.carers


def _small(group: Group) -> bool:
    """The primary test on one group: few carers, or few who are not."""
    return 0 < group.carers < THRESHOLD or (group.carers > 0 and group.others < THRESHOLD)


def _groups_safe(groups: list[Group], *, all_parts: bool) -> bool:
    """Hidden groups are safe together when, added up, they would pass the primary test, and
    there are at least two of them unless they are every part there is."""
    together = Group(sum(g.carers for g in groups), sum(g.staff for g in groups))
    if _small(together):
        return False
    return len(groups) != 1 or all_parts


def _widen[K: Hashable](
    hidden: set[K],
    among: list[K],
    groups: Mapping[K, Group],
    order: Callable[[K], object],
    *,
    all_parts: bool,
) -> bool:
    """Hide more of ``among`` (smallest first) until its hidden ones are safe together.
    Returns False when every one of them is hidden and they still are not."""
    while True:
        mine = [key for key in among if key in hidden]
        if not mine or _groups_safe(
            [groups[key] for key in mine], all_parts=all_parts and len(mine) == len(among)
        ):
            return True
        candidates = sorted(
            (groups[key].staff, order(key), key)
            for key in among
            if key not in hidden and groups[key].staff > 0
        )
        if not candidates:
            return False
        hidden.add(candidates[0][2])


def _rows[K: Hashable](groups: Mapping[K, Group], hidden: set[K]) -> dict[K, Row]:
    return {
        key: (
            Row(carers=hide(group.carers), staff=publish(group.staff))
            if key in hidden
            else Row(carers=publish(group.carers), staff=publish(group.staff))
        )
        for key, group in groups.items()
    }


def protect_groups[K: Hashable](
    groups: Mapping[K, Group], *, order: Callable[[K], object] = str
) -> tuple[dict[K, Row], Row]:
    """Groups that together make up everyone (hours bands, nations), shown beside the total.

    Headcounts are shown (rounded) even where the carers are hidden: HR knows them already
    from the staff list, and the protection assumes it does.
    """
    hidden = {key for key, group in groups.items() if _small(group)}
    _widen(hidden, list(groups), groups, order, all_parts=True)
    return _rows(groups, hidden), _total_row(groups.values())


def _total_row(groups: Iterable[Group]) -> Row:
    groups = list(groups)
    total = Group(sum(g.carers for g in groups), sum(g.staff for g in groups))
    carers = hide(total.carers) if _small(total) else publish(total.carers)
    return Row(carers=carers, staff=publish(total.staff))


def protect_nested[K: Hashable, S: Hashable](
    units: Mapping[K, Group],
    site_of: Mapping[K, S],
    *,
    order: Callable[[object], object] = str,
) -> tuple[dict[K, Row], dict[S, Row], Row]:
    """Units, each within one site, shown in two tables (by unit and by site) beside the same
    total. A site's count is its units' sum, so besides each table's own rule:

    - within a site that is shown, its hidden units must be safe together (else one is the
      site less its shown units); when they cannot be, the site is hidden;
    - a site that is hidden must have at least one hidden unit (else it is their sum).

    The rules are applied until nothing changes.
    """
    sites: dict[S, Group] = {}
    members: dict[S, list[K]] = {}
    for key, group in units.items():
        site = site_of[key]
        before = sites.get(site, Group(0, 0))
        sites[site] = Group(before.carers + group.carers, before.staff + group.staff)
        members.setdefault(site, []).append(key)
    hidden_units = {key for key, group in units.items() if _small(group)}
    hidden_sites = {site for site, group in sites.items() if _small(group)}
    while True:
        was = (len(hidden_units), len(hidden_sites))
        _widen(hidden_units, list(units), units, order, all_parts=True)
        _widen(hidden_sites, list(sites), sites, order, all_parts=True)
        for site, keys in members.items():
            if site in hidden_sites:
                if not any(key in hidden_units for key in keys):
                    shown = sorted(
                        (units[key].staff, order(key), key) for key in keys if units[key].staff
                    )
                    if shown:
                        hidden_units.add(shown[0][2])
            elif not _widen(hidden_units, keys, units, order, all_parts=False):
                hidden_sites.add(site)
        if (len(hidden_units), len(hidden_sites)) == was:
            break
    return (
        _rows(units, hidden_units),
        _rows(sites, hidden_sites),
        _total_row(units.values()),
    )
