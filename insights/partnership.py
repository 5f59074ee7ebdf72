"""A partnership's figures: its members' figures *as shown*, added up.

Each member's figures are already made safe for that member's own HR. Adding up only what
they show means the partnership's figures are worked out from figures already public to
someone, so no arithmetic on them, whatever else a reader knows, can reach a member's hidden
figure. A member's hidden figure is left out of the sum and the result says "at least". No
figure is shown unless at least ``MIN_MEMBERS`` members show theirs, so no single member's
figures appear on their own and none can be had by taking one's own from the sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from insights.counts import HOURS_BANDS
from insights.disclosure import Figure, Group, Hidden, Memo, Row, total_row
from insights.report import (
    GroupLine,
    Line,
    Report,
    Training,
    TrendPoint,
    band_labels,
    build,
    training_labels,
)
from organisations.models import Nation

#: The fewest member organisations whose figures a partnership shows together: with two, one
#: member's HR could take its own figure away and read the other's.
MIN_MEMBERS = 3


@dataclass(frozen=True)
class Member:
    """One member organisation's month: its exact counts and what its protection decided."""

    counts: Mapping[str, Any]
    memo: Memo


def _members_shown(member: Member) -> tuple[dict[str, Row], Row]:
    """The member's bands and total exactly as its own report shows them. A member whose
    staff are all in one band has no band table of its own: its report shows that band as
    its total, hidden or not, and so does this."""
    people = member.memo.get("people", {})
    withheld = set(people.get("withheld", ()))
    whole = total_row(
        Group(member.counts["carers"], member.counts["staff"]),
        hidden=bool(people.get("total")),
        withheld="total" in withheld,
    )
    if "band" not in people:
        return {
            key: whole if value["staff"] else total_row(Group(0, 0), hidden=False, withheld=False)
            for key, value in member.counts["bands"].items()
        }, whole
    hidden_bands = set(people.get("band", ()))
    bands = {
        key: total_row(
            Group(value["carers"], value["staff"]),
            hidden=key in hidden_bands,
            withheld="band" in withheld,
        )
        for key, value in member.counts["bands"].items()
    }
    return bands, whole


def _add(figures: Iterable[Figure]) -> Figure:
    """Members' shown figures added up; "not shown" unless at least ``MIN_MEMBERS`` of them
    show one, so that no single member's figure stands alone or can be taken from the sum."""
    figures = list(figures)
    shown = [f.value for f in figures if f.value is not None]
    if len(shown) < MIN_MEMBERS:
        return Figure(None, Hidden.WITHHELD)
    return Figure(sum(shown), at_least=any(f.value is None or f.at_least for f in figures))


def _add_rows(rows: Iterable[Row]) -> Row:
    rows = list(rows)
    return Row(carers=_add(r.carers for r in rows), staff=_add(r.staff for r in rows))


def _add_lines(reports: Sequence[Report], pick: Any) -> list[Line]:
    """Lines with the same keys in every member's report, added up key by key."""
    first = pick(reports[0])
    return [
        Line(
            line.key,
            line.label,
            _add(next(o.figure for o in pick(r) if o.key == line.key) for r in reports),
        )
        for line in first
    ]


def partnership_figures(
    members: Sequence[tuple[str, Member]],
    *,
    month: date,
    as_at: date,
    trend: Sequence[tuple[date, list[dict[str, Any]]]],
) -> Report | None:
    """The partnership's report from its members' months (nation, member), or None when
    fewer than ``MIN_MEMBERS`` took this month."""
    if len(members) < MIN_MEMBERS:
        return None
    reports = [
        build({**member.counts, "units": []}, month=month, memo=dict(member.memo))
        for _nation, member in members
    ]
    shown = [_members_shown(member) for _nation, member in members]
    band_names = band_labels()
    by_band = [
        GroupLine(
            key, band_names[key], _add_rows(bands[key] for bands, _whole in shown if key in bands)
        )
        for key, _lower in HOURS_BANDS
    ]
    nations: dict[str, list[Row]] = {}
    for (nation, _member), (_bands, whole) in zip(members, shown, strict=True):
        nations.setdefault(nation, []).append(whole)
    nation_names = {value: str(label) for value, label in Nation.choices}
    by_nation = (
        [
            GroupLine(nation, nation_names.get(nation, nation), _add_rows(rows))
            for nation, rows in sorted(nations.items())
        ]
        if len(nations) > 1 and all(len(rows) >= MIN_MEMBERS for rows in nations.values())
        else []
    )
    trend_points = []
    for point_month, points in trend:
        if len(points) < MIN_MEMBERS:
            continue
        trend_points.append(
            TrendPoint(
                point_month,
                _add_rows(
                    total_row(
                        Group(p["carers"], p["staff"]), hidden=p["hidden"], withheld=p["withheld"]
                    )
                    for p in points
                ),
            )
        )
    labels = training_labels()
    training = [
        Training(
            key,
            labels.get(key, key),
            _add_rows(
                next(
                    (t.row for t in r.training if t.key == key),
                    Row(Figure(None, Hidden.WITHHELD), Figure(None, Hidden.WITHHELD)),
                )
                for r in reports
            ),
        )
        for key in dict.fromkeys(t.key for r in reports for t in r.training)
    ]
    return Report(
        month=month,
        as_at=as_at,
        carers=_add_rows(whole for _bands, whole in shown),
        by_unit=[],
        by_site=[],
        by_band=by_band,
        by_nation=by_nation,
        trend=trend_points,
        passports_agreed=_add(r.passports_agreed for r in reports),
        reviews=_add_lines(reports, lambda r: r.reviews),
        leave=_add_lines(reports, lambda r: r.leave),
        flexible_received=_add(r.flexible_received for r in reports),
        flexible_outcomes=_add_lines(reports, lambda r: r.flexible_outcomes),
        refusal_reasons=_add_lines(reports, lambda r: r.refusal_reasons),
        deadlines=_add_lines(reports, lambda r: r.deadlines),
        median_days_to_decide=None,
        training=training,
        network_exists=any(r.network_exists for r in reports),
        network_members=_add(r.network_members for r in reports),
        network_meetings=_add(r.network_meetings for r in reports),
        organisations=len(members),
    )
