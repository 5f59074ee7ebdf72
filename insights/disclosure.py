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
from typing import Any, cast

from django.utils.translation import gettext as _

# Counts below the product's one threshold (and above zero) are never shown: the same line
# the live evidence on benchmark pages keeps (``shared.suppression``). Named here again so
# that insight's modules and tests read it from the method they use.
from shared.suppression import THRESHOLD as THRESHOLD

#: Every count shown is a multiple of this.
ROUND_TO = 5
#: A group (a unit, a site, an hours band) with fewer people than this never shows its count
#: of carers: with its headcount known, any label would say too much about so few.
GROUP_MIN = 10


class Hidden(StrEnum):
    #: Small itself, or a group almost all of whom are carers.
    SMALL = "small"
    #: Not small, hidden so that a small one cannot be worked out.
    SECONDARY = "secondary"
    #: A group of fewer than ``GROUP_MIN`` people: never shown, whatever its count.
    TOO_FEW = "too_few"
    #: Part of a breakdown held back whole (every part "not shown", whatever its count), when
    #: hiding more parts could not stop a small one being worked out.
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown: ``value`` is None when hidden, else 0 or a multiple of 5."""

    value: int | None
    hidden: Hidden | None = None
    #: A partnership's figure added up from its members' shown figures, some of which could
    #: not be shown: the real count is higher.
    at_least: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        """What a table cell, chart label or export says."""
        if self.hidden == Hidden.SECONDARY:
            return _("not shown")
        if self.hidden == Hidden.TOO_FEW:
            return _("not shown: fewer than %(n)s staff") % {"n": GROUP_MIN}
        if self.hidden == Hidden.WITHHELD:
            return _("not shown")
        if self.value is None:
            return _("fewer than %(n)s") % {"n": THRESHOLD}
        if self.at_least:
            return _("about %(n)s or more") % {"n": f"{self.value:,}"}
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


def hide(count: int, *, staff: int | None = None) -> Figure:
    """A hidden count's figure: "fewer than 5" when it is 0 to 4, "not shown" when it is 5 or
    more, and for a group of fewer than ``GROUP_MIN`` people always the same words, whatever
    the count."""
    if staff is not None and 0 < staff < GROUP_MIN:
        return Figure(None, Hidden.TOO_FEW)
    return Figure(None, Hidden.SMALL if count < THRESHOLD else Hidden.SECONDARY)


def percent(part: Figure, whole: Figure) -> int | None:
    """``part`` of ``whole`` as a whole percentage, from the figures as shown (rounded), so
    that it says nothing the two figures do not; None when either is hidden or whole is 0."""
    if part.value is None or not whole.value:
        return None
    return min(100, round(100 * part.value / whole.value))


# --- counts that add up to a total ------------------------------------------------------


#: What a month's protection decided, by table name: which figures it hides. Kept with the
#: month's counts so that the attacker runs once, when the month is taken, not on every page.
Memo = dict[str, Any]


def protect_counts[K: Hashable](
    counts: Mapping[K, int],
    *,
    order: Callable[[K], Any] = str,
    memo: Memo | None = None,
    name: str = "",
) -> tuple[dict[K, Figure], Figure]:
    """Counts that each person or request falls in exactly one of (outcomes of requests),
    shown beside their total. Returns each count's figure and the total's.

    Counts from 1 to 4 are hidden; then, while the attacker (``insights.audit``) can work
    out a hidden one, the next count in ``order`` is hidden too (the order of the categories,
    never their size, so which one is hidden says nothing about it), and last the total."""
    from insights.audit import Seen, pinned

    keys = sorted(counts, key=order)
    total = sum(counts.values())
    withheld = False

    def figure(key: K) -> Figure:
        if withheld:
            return Figure(None, Hidden.WITHHELD)
        return hide(counts[key]) if key in hidden else publish(counts[key])

    if memo is not None and name in memo:
        decided = memo[name]
        hidden = {key for key in keys if str(key) in decided["hidden"]}
        withheld = bool(decided.get("withheld"))
        figures = {key: figure(key) for key in keys}
        return figures, hide(total) if decided["total"] else publish(total)
    hidden = {key for key in keys if 0 < counts[key] < THRESHOLD}
    total_hidden = False
    upper = [max(total * 2 + 10, 10)] * len(keys)
    while True:
        figures = {key: figure(key) for key in keys}
        total_figure = hide(total) if total_hidden else publish(total)
        if not hidden:
            break
        seen = [Seen((i,), figures[key]) for i, key in enumerate(keys)]
        seen.append(Seen(tuple(range(len(keys))), total_figure))
        if not pinned(upper, seen, truth=[counts[key] for key in keys]):
            break
        more = [key for key in keys if key not in hidden]
        if more:
            hidden.add(more[0])
        elif not total_hidden:
            total_hidden = True
        elif not withheld:
            withheld = True
        else:
            break
    if memo is not None:
        memo[name] = {
            "hidden": sorted(str(key) for key in hidden),
            "total": total_hidden,
            "withheld": withheld,
        }
    return {key: figures[key] for key in counts}, total_figure


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
    """The primary test on one group: few carers, few who are not, or few people at all."""
    if group.staff == 0:
        return False
    return (
        group.staff < GROUP_MIN
        or 0 < group.carers < THRESHOLD
        or (group.carers > 0 and group.others < THRESHOLD)
    )


def _row(group: Group, hidden: bool, withheld: bool = False) -> Row:
    if withheld and not 0 < group.staff < GROUP_MIN:
        carers = Figure(None, Hidden.WITHHELD)
    elif hidden:
        carers = hide(group.carers, staff=group.staff)
    else:
        carers = publish(group.carers)
    return Row(carers=carers, staff=publish(group.staff))


def _add(groups: Iterable[Group]) -> Group:
    groups = list(groups)
    return Group(sum(g.carers for g in groups), sum(g.staff for g in groups))


@dataclass
class _Table:
    """One breakdown being protected: its groups, which unknowns each adds up, and which are
    hidden. ``parent`` says, for a group, which group of which table contains it."""

    name: str
    groups: dict[Hashable, Group]
    variables: dict[Hashable, tuple[int, ...]]
    hidden: set[Hashable]
    parent: Callable[[Hashable], tuple[str, Hashable] | None]
    #: Held back whole: every group "not shown", whatever its count.
    withheld: bool = False


@dataclass(frozen=True)
class Before:
    """Last month's figures, already shown and fixed, for the attacker to set beside this
    month's: its unknowns (appended after this month's), its figures, each tagged with the
    same group this month, and the unknowns known to be equal in both months."""

    upper: list[int]
    seen: list[Any]
    tags: list[tuple[str, Hashable]]
    links: list[tuple[int, int]]
    truth: list[int]


def _hold_back(tables: dict[str, _Table], here: tuple[str, Hashable] | None) -> bool:
    """Nothing more to hide: hold back a whole breakdown, the worked-out figure's first,
    then the ones above it, then any other (the hours bands). False when all are held back."""
    while here is not None and tables[here[0]].withheld:
        here = tables[here[0]].parent(here[1])
    if here is not None:
        tables[here[0]].withheld = True
        return True
    for name in ("band", "unit", "site", "total"):
        if name in tables and not tables[name].withheld:
            tables[name].withheld = True
            return True
    return False


def _protect(
    tables: dict[str, _Table],
    upper: list[int],
    truth: list[int],
    order: Callable[[object], object],
    sibling_of: Callable[[str, Hashable], object] | None = None,
    before: Before | None = None,
) -> None:
    """Hide more, group by group, until the attacker works out no hidden figure. A worked-out
    figure's table hides its next smallest group by headcount (which HR knows, so the choice
    says nothing about carers), preferring its siblings; with none left, its parent. A
    figure of last month's worked out with this month's help makes this month hide the same
    group."""
    from insights.audit import Seen, pinned

    all_upper = upper + (before.upper if before else [])
    all_truth = truth + (before.truth if before else [])
    links = before.links if before else []
    while True:
        seen: list[Seen] = []
        where: list[tuple[str, Hashable]] = []
        for table in tables.values():
            for key, group in table.groups.items():
                seen.append(
                    Seen(
                        table.variables[key],
                        _row(group, key in table.hidden, table.withheld).carers,
                        staff=group.staff,
                    )
                )
                where.append((table.name, key))
        if before is not None:
            seen.extend(before.seen)
            where.extend(before.tags)
        found = pinned(all_upper, seen, links, all_truth)
        if not found:
            return
        changed = False
        for index in found:
            name, key = where[index]
            found_table = tables.get(name)
            if found_table is None or key not in found_table.groups:
                # Last month's group is gone this month: only holding back helps.
                changed = _hold_back(tables, None) or changed
                continue
            table = found_table
            if index >= len(seen) - (len(before.seen) if before else 0) and key not in table.hidden:
                table.hidden.add(key)
                changed = True
                continue
            candidates = sorted(
                (
                    (
                        sibling_of is None or sibling_of(name, other) != sibling_of(name, key),
                        group.staff,
                        order(other),
                    ),
                    other,
                )
                for other, group in table.groups.items()
                if other not in table.hidden and group.staff > 0
            )
            if candidates:
                table.hidden.add(candidates[0][1])
                changed = True
                continue
            up = table.parent(key)
            while up is not None and up[1] in tables[up[0]].hidden:
                up = tables[up[0]].parent(up[1])
            if up is not None:
                tables[up[0]].hidden.add(up[1])
                changed = True
                continue
            changed = _hold_back(tables, (name, key)) or changed
        if not changed:
            return


def protect_organisation[U: Hashable, B: Hashable](
    cells: Mapping[tuple[U, B], Group],
    site_of: Mapping[U, Hashable] | None,
    *,
    order: Callable[[object], Any] = str,
    memo: Memo | None = None,
    name: str = "",
    before: Callable[[Mapping[Any, int]], Before | None] | None = None,
) -> tuple[dict[U, Row], dict[Hashable, Row], dict[B, Row], Row]:
    """Carers among staff by unit, by site (units within sites) and by hours band, beside
    the total: four tables over the same people. The unknowns are the carers in each unit and
    band; HR knows each one's headcount. Primary suppression first, then ``_protect``. With
    no ``site_of`` there is no site table, and with one band no band table (each would only
    repeat another)."""
    keys = list(cells)
    upper = [cells[key].staff for key in keys]
    index = {key: i for i, key in enumerate(keys)}
    units: dict[Hashable, list[tuple[U, B]]] = {}
    bands: dict[Hashable, list[tuple[U, B]]] = {}
    sites: dict[Hashable, list[tuple[U, B]]] = {}
    for key in keys:
        unit, band = key
        units.setdefault(unit, []).append(key)
        bands.setdefault(band, []).append(key)
        if site_of is not None:
            sites.setdefault(site_of[unit], []).append(key)

    def table(
        name: str,
        members: dict[Hashable, list[tuple[U, B]]],
        parent: Callable[[Hashable], tuple[str, Hashable] | None],
    ) -> _Table:
        groups = {k: _add(cells[c] for c in v) for k, v in members.items()}
        return _Table(
            name=name,
            groups=groups,
            variables={k: tuple(index[c] for c in v) for k, v in members.items()},
            hidden={k for k, g in groups.items() if _small(g)},
            parent=parent,
        )

    tables = {
        "unit": table(
            "unit",
            units,
            (lambda k: ("site", site_of[k]))  # type: ignore[index]
            if site_of is not None
            else (lambda k: ("total", "all")),
        ),
        "total": table("total", {"all": keys}, lambda k: None),
    }
    if site_of is not None:
        tables["site"] = table("site", sites, lambda k: ("total", "all"))
    if len(bands) > 1:
        tables["band"] = table("band", bands, lambda k: ("total", "all"))
    if memo is not None and name in memo:
        for table_name, t in tables.items():
            kept = set(memo[name].get(table_name, ()))
            t.hidden = {k for k in t.groups if str(k) in kept}
            t.withheld = table_name in memo[name].get("withheld", ())
        return _organisation_rows(tables, bands)
    # One hidden unit of a shown site is that site less its shown units: the cheap rule
    # first, so the attacker has less to do.
    for site, members in sites.items():
        site_units = {unit for unit, _band in members}
        mine = [u for u in site_units if u in tables["unit"].hidden]
        if len(mine) == 1 and len(site_units) > 1 and site not in tables["site"].hidden:
            spare = sorted(
                (tables["unit"].groups[u].staff, order(u), u)
                for u in site_units
                if u not in tables["unit"].hidden and tables["unit"].groups[u].staff
            )
            if spare:
                tables["unit"].hidden.add(spare[0][2])
    _protect(
        tables,
        upper,
        [cells[key].carers for key in keys],
        order,
        before=before(index) if before is not None else None,
        sibling_of=lambda name, key: (
            site_of[key] if name == "unit" and site_of is not None else None  # type: ignore[index]
        ),
    )

    if memo is not None:
        memo[name] = {t.name: sorted(str(k) for k in t.hidden) for t in tables.values()}
        memo[name]["withheld"] = sorted(t.name for t in tables.values() if t.withheld)
    return _organisation_rows(tables, bands)


def _organisation_rows(
    tables: dict[str, _Table], bands: Mapping[Any, Any]
) -> tuple[dict[Any, Row], dict[Any, Row], dict[Any, Row], Row]:
    def rows(name: str) -> dict[Any, Row]:
        t = tables.get(name)
        if t is None:
            return {}
        return {k: _row(g, k in t.hidden, t.withheld) for k, g in t.groups.items()}

    band_rows = rows("band")
    if not band_rows:
        only = next(iter(bands), None)
        if only is not None:
            band_rows = {only: rows("total")["all"]}
    return rows("unit"), rows("site"), band_rows, rows("total")["all"]


def protect_groups[K: Hashable](
    groups: Mapping[K, Group],
    *,
    order: Callable[[object], Any] = str,
    memo: Memo | None = None,
    name: str = "",
) -> tuple[dict[K, Row], Row]:
    """Groups that together make up everyone (hours bands, nations), shown beside the total.
    Headcounts are shown (rounded): HR knows them already, and the protection assumes it."""
    if not groups:
        return {}, _row(Group(0, 0), False)
    cells = {(key, "all"): group for key, group in groups.items()}
    rows, _sites, _bands, total = protect_organisation(
        cells, None, order=order, memo=memo, name=name
    )
    return rows, total


def protect_nested[K: Hashable, S: Hashable](
    units: Mapping[K, Group],
    site_of: Mapping[K, S],
    *,
    order: Callable[[object], object] = str,
) -> tuple[dict[K, Row], dict[S, Row], Row]:
    """Units, each within one site, shown in two tables (by unit and by site) beside the
    same total."""
    cells = {(key, "all"): group for key, group in units.items()}
    unit_rows, site_rows, _bands, total = protect_organisation(cells, site_of, order=order)
    return unit_rows, cast(dict[S, Row], site_rows), total


def total_row(group: Group, *, hidden: bool, withheld: bool) -> Row:
    """A month's total as its report decided to show it (for the trend)."""
    return _row(group, hidden, withheld)


def before_from(
    cells: Mapping[tuple[Any, Any], Group],
    site_of: Mapping[Any, Hashable],
    memo: Memo,
    name: str,
    *,
    now: Mapping[tuple[Any, Any], Group],
) -> Callable[[Mapping[Any, int]], Before | None]:
    """Last month's cells and what its protection decided, as ``Before`` for this month's
    attacker: a cell whose exact counts are the same in both months is taken as unchanged."""
    from insights.audit import Seen

    def make(index: Mapping[Any, int]) -> Before | None:
        if name not in memo:
            return None
        offset = len(index)
        keys = list(cells)
        mine = {key: offset + i for i, key in enumerate(keys)}
        unit_rows, site_rows, band_rows, total = protect_organisation(
            cells, site_of, memo=memo, name=name
        )
        seen: list[Seen] = []
        tags: list[tuple[str, Hashable]] = []

        def add(table: str, key: Hashable, members: list[Any], row: Row) -> None:
            seen.append(
                Seen(
                    tuple(mine[c] for c in members),
                    row.carers,
                    staff=sum(cells[c].staff for c in members),
                )
            )
            tags.append((table, key))

        for unit, row in unit_rows.items():
            add("unit", unit, [c for c in keys if c[0] == unit], row)
        for site, row in site_rows.items():
            add("site", site, [c for c in keys if site_of[c[0]] == site], row)
        for band, row in band_rows.items():
            if len(band_rows) > 1:
                add("band", band, [c for c in keys if c[1] == band], row)
        add("total", "all", keys, total)
        links = [
            (index[key], mine[key]) for key in keys if key in index and now.get(key) == cells[key]
        ]
        return Before(
            upper=[cells[key].staff for key in keys],
            seen=seen,
            tags=tags,
            links=links,
            truth=[cells[key].carers for key in keys],
        )

    return make
