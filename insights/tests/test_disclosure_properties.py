"""The small-number method, tested on generated counts (Hypothesis): no figure shown is a
count from 1 to 4, and no hidden figure can be worked out from what is shown, by an attacker
who solves for it exactly (``insights.tests.attacker``) and knows what HR knows anyway: every
unit's headcount in every hours band.

Each property runs twice: for the attacker the issue describes, and for an informed one who
also reads what the labels and the complement rule imply.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from insights.charts import charts_for
from insights.counts import HOURS_BANDS
from insights.disclosure import (
    Figure,
    Group,
    Hidden,
    protect_counts,
    protect_groups,
    protect_nested,
)
from insights.exports import rows_of
from insights.partnership import MIN_MEMBERS, Member, partnership_figures
from insights.report import Report, build
from insights.tests.attacker import Attacker, Expr, total

MONTH = date(2026, 12, 1)
BANDS = [key for key, _lower in HOURS_BANDS]
NONE = Group(carers=0, staff=0)
#: Without a headcount, a count the attacker knows nothing else of is at most this.
NO_LIMIT = 500
ATTACKERS = pytest.mark.parametrize("informed", [False, True], ids=["issue", "informed"])
PURE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Several reports side by side take more solving: fewer examples keep the file quick.
SIDE_BY_SIDE = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SMALL_NUMBER = re.compile(r"[1-4]")

# --- generated counts --------------------------------------------------------------------

#: Counts that are often small, sometimes not: the edges of the method are at 1 to 9.
counts_ = st.one_of(st.integers(0, 9), st.integers(0, 40))


@st.composite
def groups_(draw: st.DrawFn, *, most: int = 6) -> dict[str, Group]:
    keys = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=most, unique=True))
    out = {}
    for key in keys:
        staff = draw(counts_)
        out[key] = Group(carers=draw(st.integers(0, staff)), staff=staff)
    return out


@st.composite
def cells_(
    draw: st.DrawFn, *, units: int = 6
) -> tuple[dict[int, dict[str, Group]], dict[int, int]]:
    """An organisation's exact carers and staff by unit and hours band, and each unit's site."""
    count = draw(st.integers(1, units))
    sites = draw(st.integers(1, 3))
    cells: dict[int, dict[str, Group]] = {}
    site_of: dict[int, int] = {}
    for unit in range(1, count + 1):
        site_of[unit] = 100 + draw(st.integers(1, sites))
        cells[unit] = {}
        for band in BANDS:
            staff = draw(st.one_of(st.integers(0, 8), st.integers(0, 25)))
            cells[unit][band] = Group(carers=draw(st.integers(0, staff)), staff=staff)
    return cells, site_of


def org_counts(
    cells: Mapping[int, Mapping[str, Group]],
    site_of: Mapping[int, int],
    *,
    nation: str = "england",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The counts ``insights.counts.gather`` would give for these cells."""
    units = [
        {
            "id": unit,
            "name": f"Unit {unit}",
            "site": site_of[unit],
            "site_name": f"Site {site_of[unit]}",
            "staff": sum(g.staff for g in bands.values()),
            "carers": sum(g.carers for g in bands.values()),
            "bands": {band: {"staff": g.staff, "carers": g.carers} for band, g in bands.items()},
        }
        for unit, bands in cells.items()
    ]
    counts: dict[str, Any] = {
        "version": 1,
        "as_at": "2026-12-06",
        "nation": nation,
        "staff": sum(u["staff"] for u in units),
        "carers": sum(u["carers"] for u in units),
        "units": units,
        "bands": {
            band: {
                "staff": sum(cells[u][band].staff for u in cells),
                "carers": sum(cells[u][band].carers for u in cells),
            }
            for band in BANDS
        },
        "passports": {"agreed": 0, "review_on_time": 0, "review_overdue": 0, "no_review_date": 0},
        "leave": {
            "carers_leave_people": 0,
            "carers_leave_days": 0.0,
            "dependants_people": 0,
            "dependants_occasions": 0,
            "dependants_days": 0.0,
        },
        "flexible": {
            "by_status": {},
            "refusal_reasons": {},
            "decided_in_time": 0,
            "decided_late": 0,
            "median_days_to_decide": None,
        },
        "training": {},
        "network": {"exists": False, "members": 0, "meetings_held": 0},
    }
    counts.update(extra or {})
    return counts


# --- the attacker's view of a report ------------------------------------------------------


def unknowns(
    attacker: Attacker, cells: Mapping[int, Mapping[str, Group]], prefix: str
) -> dict[tuple[int, str], int]:
    """One unknown for the carers of each (unit, band) cell, at most its known headcount."""
    return {
        (unit, band): attacker.unknown((prefix, unit, band), most=group.staff)
        for unit, bands in cells.items()
        for band, group in bands.items()
    }


def sum_of(index: Mapping[tuple[int, str], int], keep: Any) -> Expr:
    return total(i for key, i in index.items() if keep(*key))


def staff_of(cells: Mapping[int, Mapping[str, Group]], keep: Any) -> int:
    return sum(
        g.staff for unit, bands in cells.items() for band, g in bands.items() if keep(unit, band)
    )


def sees_org(
    attacker: Attacker,
    report: Report,
    cells: Mapping[int, Mapping[str, Group]],
    site_of: Mapping[int, int],
    index: Mapping[tuple[int, str], int],
    prefix: str,
) -> None:
    """Everything an organisation's report shows of carers, as constraints on its cells."""
    for line in report.by_unit:

        def unit_keep(u: int, b: str, key: str = line.key) -> bool:
            return str(u) == key

        attacker.sees(
            f"{prefix} unit {line.key}",
            sum_of(index, unit_keep),
            line.row.carers,
            staff=staff_of(cells, unit_keep),
        )
    for line in report.by_site:

        def site_keep(u: int, b: str, key: str = line.key) -> bool:
            return str(site_of[u]) == key

        attacker.sees(
            f"{prefix} site {line.key}",
            sum_of(index, site_keep),
            line.row.carers,
            staff=staff_of(cells, site_keep),
        )
    for line in report.by_band:

        def band_keep(u: int, b: str, key: str = line.key) -> bool:
            return b == key

        attacker.sees(
            f"{prefix} band {line.key}",
            sum_of(index, band_keep),
            line.row.carers,
            staff=staff_of(cells, band_keep),
        )
    attacker.sees(
        f"{prefix} total",
        total(index.values()),
        report.carers.carers,
        staff=staff_of(cells, lambda u, b: True),
    )
    for point in report.trend:
        if point.month == report.month:
            attacker.sees(
                f"{prefix} trend",
                total(index.values()),
                point.row.carers,
                staff=staff_of(cells, lambda u, b: True),
            )


def truth(cells: Mapping[int, Mapping[str, Group]]) -> list[int]:
    return [group.carers for bands in cells.values() for group in bands.values()]


# --- the small-number method's parts ------------------------------------------------------


@ATTACKERS
@PURE
@given(counts=st.dictionaries(st.sampled_from("abcdef"), counts_, min_size=1))
@example(counts={"a": 1, "b": 1, "c": 1, "d": 1})  # each "fewer than 5" under one: each 1
@example(counts={"a": 4, "b": 4})  # two "fewer than 5" beside a total of 10: both 4
def test_protect_counts_hides_nothing_that_can_be_worked_out(informed, counts):
    figures, whole = protect_counts(counts)
    attacker = Attacker(informed=informed)
    index = {key: attacker.unknown(key, most=NO_LIMIT) for key in counts}
    for key, figure in figures.items():
        attacker.sees(key, {index[key]: 1}, figure)
    attacker.sees("total", total(index.values()), whole)
    real = list(counts[key] for key in index)
    assert attacker.pinned(real) == [], counts


@ATTACKERS
@PURE
@given(groups=groups_())
@example(groups={"a": Group(carers=1, staff=1)})  # "fewer than 5" of a known 1 is 1
@example(groups={"a": Group(carers=4, staff=5), "b": Group(carers=4, staff=8)})
@example(groups={"a": Group(carers=0, staff=5), "b": Group(carers=1, staff=5)})
def test_protect_groups_hides_nothing_that_can_be_worked_out(informed, groups):
    rows, whole = protect_groups(groups)
    attacker = Attacker(informed=informed)
    index = {key: attacker.unknown(key, most=group.staff) for key, group in groups.items()}
    for key, row in rows.items():
        attacker.sees(key, {index[key]: 1}, row.carers, staff=groups[key].staff)
    attacker.sees(
        "total", total(index.values()), whole.carers, staff=sum(g.staff for g in groups.values())
    )
    real = list(groups[key].carers for key in index)
    assert attacker.pinned(real) == [], groups


@st.composite
def nested_(draw: st.DrawFn) -> tuple[dict[str, Group], dict[str, str]]:
    units = draw(groups_(most=8))
    return units, {key: draw(st.sampled_from(["s1", "s2", "s3"])) for key in units}


@ATTACKERS
@PURE
@given(nested=nested_())
@example(nested=({"a": Group(4, 5), "b": Group(4, 8)}, {"a": "s1", "b": "s1"}))
def test_protect_nested_hides_nothing_that_can_be_worked_out(informed, nested):
    units, site_of = nested
    unit_rows, site_rows, whole = protect_nested(units, site_of)
    attacker = Attacker(informed=informed)
    index = {key: attacker.unknown(key, most=group.staff) for key, group in units.items()}
    for key, row in unit_rows.items():
        attacker.sees(f"unit {key}", {index[key]: 1}, row.carers, staff=units[key].staff)
    for site, row in site_rows.items():
        members = [key for key in units if site_of[key] == site]
        attacker.sees(
            f"site {site}",
            total(index[key] for key in members),
            row.carers,
            staff=sum(units[key].staff for key in members),
        )
    attacker.sees(
        "total", total(index.values()), whole.carers, staff=sum(g.staff for g in units.values())
    )
    real = list(units[key].carers for key in index)
    assert attacker.pinned(real) == [], (units, site_of)


# --- whole reports -------------------------------------------------------------------------


@ATTACKERS
@PURE
@given(org=cells_())
@example(
    org=(
        {1: {"under_16": Group(4, 5), "16_to_29": Group(0, 0), "30_or_more": Group(4, 8)}},
        {1: 101},
    )
)
def test_an_organisations_report_hides_nothing_that_can_be_worked_out(informed, org):
    """By unit, by site, by hours band and the total, all of the same people."""
    cells, site_of = org
    report = build(org_counts(cells, site_of), month=MONTH)
    attacker = Attacker(informed=informed)
    index = unknowns(attacker, cells, "org")
    sees_org(attacker, report, cells, site_of, index, "org")
    real = list(truth(cells))
    assert attacker.pinned(real) == [], (cells, site_of)


@ATTACKERS
@SIDE_BY_SIDE
# The partnership's total (5, so 5 to 7) less a member's shown 0 is the other member's hidden
# carers, at most its 5 staff: all 5 of them are carers.
@example(
    orgs=[
        (
            ({1: {"under_16": NONE, "16_to_29": NONE, "30_or_more": Group(0, 5)}}, {1: 101}),
            "england",
        ),
        (
            ({1: {"under_16": NONE, "16_to_29": NONE, "30_or_more": Group(5, 5)}}, {1: 101}),
            "england",
        ),
    ]
)
# Two members' two bands, each "fewer than 5", under a partnership total "fewer than 5": four
# parts of at least 1 adding up to at most 4 are each 1.
@example(
    orgs=[
        (
            ({1: {"under_16": Group(1, 5), "16_to_29": NONE, "30_or_more": Group(1, 5)}}, {1: 101}),
            "england",
        )
    ]
    * 2
)
# The partnership hides England (0 carers) beside Wales (1); England's one member shows 0.
@example(
    orgs=[
        (
            (
                {1: {"under_16": Group(0, 0), "16_to_29": Group(0, 0), "30_or_more": Group(0, 5)}},
                {1: 101},
            ),
            "england",
        ),
        (
            (
                {1: {"under_16": Group(0, 0), "16_to_29": Group(0, 0), "30_or_more": Group(1, 5)}},
                {1: 101},
            ),
            "wales",
        ),
    ]
)
@given(
    orgs=st.lists(
        st.tuples(cells_(units=3), st.sampled_from(["england", "wales"])), min_size=2, max_size=5
    )
)
def test_a_partnership_gives_away_no_members_hidden_figure(informed, orgs):
    """Every member's own report and the partnership's, set side by side by someone who
    knows every member's headcounts: no member's hidden figure can be worked out."""
    attacker = Attacker(informed=informed)
    everyone: dict[tuple[int, str], int] = {}
    by_org = []
    by_org_memo: list[tuple[dict[str, Any], dict[str, Any]]] = []
    nations: dict[str, list[int]] = {}
    for number, ((cells, site_of), nation) in enumerate(orgs):
        counts = org_counts(cells, site_of, nation=nation)
        by_org.append(counts)
        memo: dict[str, Any] = {}
        index = unknowns(attacker, cells, f"org{number}")
        sees_org(
            attacker, build(counts, month=MONTH, memo=memo), cells, site_of, index, f"org{number}"
        )
        by_org_memo.append((counts, memo))
        for (unit, band), i in index.items():
            everyone[(number * 1000 + unit, band)] = i
        nations.setdefault(nation, []).extend(index.values())
    partnership = partnership_figures(
        [
            (nation, Member(counts, memo))
            for (counts, memo), ((_c, nation)) in zip(by_org_memo, orgs, strict=True)
        ],
        month=MONTH,
        as_at=MONTH,
        trend=[],
    )
    # The partnership's figures are worked out from the members' figures as shown, which the
    # attacker already has: they can add nothing. Checked here figure by figure. Fewer than
    # three members show nothing at all.
    if len(orgs) < MIN_MEMBERS:
        assert partnership is None
        return
    assert partnership is not None
    assert partnership.by_unit == []
    shown = [build(counts, month=MONTH, memo=dict(memo)) for counts, memo in by_org_memo]
    expected = [r.carers.carers.value for r in shown if r.carers.carers.value is not None]
    assert partnership.carers.carers.value == (
        sum(expected) if len(expected) >= MIN_MEMBERS else None
    )
    for line in partnership.by_band:
        values = [next(b.row.carers.value for b in r.by_band if b.key == line.key) for r in shown]
        kept = [v for v in values if v is not None]
        assert line.row.carers.value == (sum(kept) if len(kept) >= MIN_MEMBERS else None)
    counted = {nation: sum(1 for _o, n in orgs if n == nation) for _o, nation in orgs}
    if partnership.by_nation:
        assert all(n >= MIN_MEMBERS for n in counted.values())
    real = list(v for (cells, _s), _n in orgs for v in truth(cells))
    assert attacker.pinned(real) == [], orgs


@st.composite
def two_months_(draw: st.DrawFn) -> tuple[Any, Any, dict[int, int], set[int]]:
    """An organisation's cells this month and last, and the units that did not change."""
    before, site_of = draw(cells_())
    same = {unit for unit in before if draw(st.booleans())}
    after: dict[int, dict[str, Group]] = {}
    for unit, bands in before.items():
        if unit in same:
            after[unit] = dict(bands)
            continue
        after[unit] = {}
        for band, group in bands.items():
            staff = max(0, group.staff + draw(st.integers(-3, 3)))
            carers = min(staff, max(0, group.carers + draw(st.integers(-2, 2))))
            after[unit][band] = Group(carers=carers, staff=staff)
    return before, after, site_of, same


@ATTACKERS
@SIDE_BY_SIDE
@given(months=two_months_())
# Last month unit 2 (0 carers) was hidden beside unit 3 (1); this month every unit shows 0, and
# unit 2 did not change.
@example(
    months=(
        {
            1: {"under_16": Group(0, 0), "16_to_29": Group(0, 0), "30_or_more": Group(0, 0)},
            2: {"under_16": Group(0, 0), "16_to_29": Group(0, 1), "30_or_more": Group(0, 4)},
            3: {"under_16": Group(0, 0), "16_to_29": Group(1, 4), "30_or_more": Group(0, 1)},
        },
        {
            1: {"under_16": Group(0, 0), "16_to_29": Group(0, 0), "30_or_more": Group(0, 0)},
            2: {"under_16": Group(0, 0), "16_to_29": Group(0, 1), "30_or_more": Group(0, 4)},
            3: {"under_16": Group(0, 0), "16_to_29": Group(0, 4), "30_or_more": Group(0, 1)},
        },
        {1: 101, 2: 101, 3: 101},
        {1, 2},
    )
)
def test_two_months_side_by_side_give_away_no_hidden_figure(informed, months):
    """Last month's report and this month's (with the trend), by someone who knows which
    units did not change at all: neither month's hidden figures can be worked out."""
    before, after, site_of, same = months
    last_month = date(2026, 11, 1)
    first_memo: dict[str, Any] = {}
    first = build(org_counts(before, site_of), month=last_month, memo=first_memo)
    people = first_memo["people"]
    last_point = {
        **org_counts(before, site_of),
        "hidden": bool(people["total"]),
        "withheld": "total" in people["withheld"],
    }
    second = build(
        org_counts(after, site_of),
        month=MONTH,
        trend=[(last_month, last_point), (MONTH, org_counts(after, site_of))],
        last_month=(org_counts(before, site_of), first_memo),
    )
    attacker = Attacker(informed=informed)
    was = unknowns(attacker, before, "last month")
    now = unknowns(attacker, after, "this month")
    sees_org(attacker, first, before, site_of, was, "last month")
    sees_org(attacker, second, after, site_of, now, "this month")
    for point in second.trend:
        if point.month == last_month:
            attacker.sees(
                "trend last month",
                total(was.values()),
                point.row.carers,
                staff=staff_of(before, lambda u, b: True),
            )
    for unit in same:
        for band in BANDS:
            attacker.equal({was[(unit, band)]: 1}, {now[(unit, band)]: 1})
    real = list(truth(before) + truth(after))
    assert attacker.pinned(real) == [], months


# --- primary suppression on every surface -----------------------------------------------


def figures_in(value: object) -> Iterator[Figure]:
    """Every Figure anywhere in a report."""
    if isinstance(value, Figure):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from figures_in(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from figures_in(item)


@st.composite
def all_counts_(draw: st.DrawFn) -> dict[str, Any]:
    """A month's every count, as ``gather`` gives them."""
    cells, site_of = draw(cells_())
    passports = {
        key: draw(counts_) for key in ("review_on_time", "review_overdue", "no_review_date")
    }
    passports["agreed"] = sum(passports.values())
    people = draw(counts_)
    dependants = draw(counts_)
    statuses = draw(
        st.dictionaries(st.sampled_from(["pending", "agreed", "refused", "withdrawn"]), counts_)
    )
    reasons = draw(st.dictionaries(st.sampled_from(["cost", "quality", "staffing"]), counts_))
    training_total = draw(counts_)
    return org_counts(
        cells,
        site_of,
        extra={
            "passports": passports,
            "leave": {
                "carers_leave_people": people,
                "carers_leave_days": float(draw(st.integers(people, 5 * people + 1))),
                "dependants_people": dependants,
                "dependants_occasions": draw(st.integers(dependants, 3 * dependants + 1)),
                "dependants_days": draw(st.floats(0, 60, allow_nan=False)),
            },
            "flexible": {
                "by_status": statuses,
                "refusal_reasons": reasons,
                "decided_in_time": draw(counts_),
                "decided_late": draw(counts_),
                "median_days_to_decide": draw(st.integers(0, 90)),
            },
            "training": {
                "carer_aware": {
                    "passed": draw(st.integers(0, training_total)),
                    "total": training_total,
                }
            },
            "network": {
                "exists": draw(st.booleans()),
                "members": draw(counts_),
                "meetings_held": draw(counts_),
            },
        },
    )


def small_count(text: str) -> bool:
    return bool(SMALL_NUMBER.fullmatch(text.strip()))


@PURE
@given(counts=all_counts_(), trend=st.lists(st.tuples(counts_, counts_), max_size=3))
def test_no_figure_shown_is_a_count_from_1_to_4(counts, trend):
    points = [
        (date(2026, month + 1, 1), {"carers": min(c, s), "staff": s})
        for month, (c, s) in enumerate(trend)
    ]
    report = build(counts, month=MONTH, trend=points)
    seen = list(figures_in(report))
    assert seen
    for figure in seen:
        if figure.value is None:
            assert figure.label in ("fewer than 5", "not shown", "not shown: fewer than 10 staff")
            assert figure.hidden in (
                Hidden.SMALL,
                Hidden.SECONDARY,
                Hidden.TOO_FEW,
                Hidden.WITHHELD,
            )
        else:
            assert figure.value == 0 or (figure.value >= 5 and figure.value % 5 == 0), figure
            assert not small_count(figure.label)
    for _section, _what, figure_text, share in rows_of(report):
        assert not small_count(figure_text), (_section, _what, figure_text)
        assert share == "" or share.endswith("%")
    for chart in charts_for(report):
        for row in chart.rows:
            for cell in row[1:]:
                assert not small_count(cell), (chart.key, row)
        for bar in chart.bars:
            assert not small_count(bar.text), (chart.key, bar)
        for column in chart.columns:
            assert not small_count(column.text), (chart.key, column)
    decided = counts["flexible"]["decided_in_time"] + counts["flexible"]["decided_late"]
    if decided < 5:
        assert report.median_days_to_decide is None


@PURE
@given(counts=all_counts_())
def test_shares_come_from_the_figures_shown(counts):
    """A percentage is the rounded carers over the rounded staff, so it adds nothing."""
    report = build(counts, month=MONTH)
    for row in [report.carers] + [line.row for line in report.by_unit + report.by_band]:
        if row.percent is not None:
            assert row.carers.value is not None
            assert row.staff.value
            assert row.percent == min(100, round(100 * row.carers.value / row.staff.value))


# --- the attacker itself ---------------------------------------------------------------------


def test_the_attacker_works_out_what_arithmetic_gives_away():
    """A check of the check: "not shown" (5 or more, to the informed attacker) for a group of
    5 people is pinned at 5, while a "fewer than 5" beside a shown 20 and a total of 25 is not
    pinned. A hidden figure worked out as 0 is not counted: 0 is shown openly."""
    attacker = Attacker(informed=True)
    a = attacker.unknown("a", most=5)
    attacker.sees("a", {a: 1}, Figure(None, Hidden.SECONDARY))
    assert attacker.pinned([5]) == [("a", 5)]

    attacker = Attacker()
    a, b = attacker.unknown("a", most=NO_LIMIT), attacker.unknown("b", most=NO_LIMIT)
    attacker.sees("a", {a: 1}, Figure(None, Hidden.SMALL))
    attacker.sees("b", {b: 1}, Figure(20))
    attacker.sees("total", {a: 1, b: 1}, Figure(25))
    assert attacker.pinned([3, 21]) == []
    attacker.knows({b: 1}, 21, 21)  # told exactly, the subtraction works
    attacker.knows({a: 1, b: 1}, 24, 24)
    assert attacker.pinned([3, 21]) == [("a", 3)]
