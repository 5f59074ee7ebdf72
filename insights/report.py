"""The figures as they may be shown, made from a month's exact counts.

Pages, charts, exports, the board report and the API all read a ``Report``; none of them
sees an exact count. Every figure comes from ``insights.disclosure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from insights.counts import HOURS_BANDS
from insights.disclosure import (
    THRESHOLD,
    Figure,
    Group,
    Memo,
    Row,
    before_from,
    protect_counts,
    protect_groups,
    protect_organisation,
    publish,
    total_row,
)
from insights.disclosure import hide as _hidden
from leave.public import flexible_status_labels, refusal_reason_labels
from organisations.models import Nation

#: The national estimate of working carers, shown beside the organisation's own share:
#: about one worker in seven (Carers UK, "Juggling work and unpaid care", 2019).
NATIONAL_SHARE_PERCENT = 14


def band_labels() -> dict[str, str]:
    return {
        "under_16": _("Under 16 hours a week"),
        "16_to_29": _("16 to 29 hours a week"),
        "30_or_more": _("30 hours a week or more"),
    }


def training_labels() -> dict[str, str]:
    return {
        "carer_aware": _("Everyone in post: Carer Aware"),
        "managers_module": _("Line managers: Supporting carers in your team"),
    }


@dataclass(frozen=True)
class GroupLine:
    """One group's carers among its staff, as shown."""

    key: str
    label: str
    row: Row


@dataclass(frozen=True)
class Line:
    """One count as shown."""

    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class TrendPoint:
    month: date
    row: Row


@dataclass(frozen=True)
class Training:
    key: str
    label: str
    row: Row


@dataclass(frozen=True)
class Report:
    """One month's figures for an organisation or a partnership, every one safe to show."""

    month: date
    as_at: date
    carers: Row
    by_unit: list[GroupLine]
    by_site: list[GroupLine]
    by_band: list[GroupLine]
    by_nation: list[GroupLine]
    trend: list[TrendPoint]
    passports_agreed: Figure
    reviews: list[Line]
    leave: list[Line]
    flexible_received: Figure
    flexible_outcomes: list[Line]
    refusal_reasons: list[Line]
    deadlines: list[Line]
    #: Median days from receiving a request to deciding it, when at least 10 were decided.
    median_days_to_decide: int | None
    training: list[Training]
    network_exists: bool
    network_members: Figure
    network_meetings: Figure
    #: How many organisations' figures a partnership's report adds up (0 for one's own).
    organisations: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def national_share(self) -> int:
        return NATIONAL_SHARE_PERCENT

    def headline(self) -> list[Line]:
        """The three figures that matter most, for HR's home page."""
        overdue = next((line for line in self.reviews if line.key == "review_overdue"), None)
        lines = [
            Line("carers", _("Carers who chose to be counted"), self.carers.carers),
            Line("passports_agreed", _("Passports agreed"), self.passports_agreed),
        ]
        if overdue is not None:
            lines.append(Line("review_overdue", _("Passport reviews overdue"), overdue.figure))
        return lines


def _lines(figures: Mapping[str, Figure], labels: Mapping[str, str]) -> list[Line]:
    return [Line(key, labels.get(key, key), figure) for key, figure in figures.items()]


def _group(counts: Mapping[str, int]) -> Group:
    return Group(carers=int(counts["carers"]), staff=int(counts["staff"]))


def _cells(counts: Mapping[str, Any]) -> tuple[dict[tuple[str, str], Group], dict[str, str]]:
    cells: dict[tuple[str, str], Group] = {}
    for unit in counts["units"]:
        for band, value in unit["bands"].items():
            cells[(str(unit["id"]), band)] = Group(value["carers"], value["staff"])
    return cells, {str(u["id"]): str(u["site"]) for u in counts["units"]}


def _people(
    counts: Mapping[str, Any],
    memo: Memo,
    last_month: tuple[Mapping[str, Any], Memo] | None = None,
) -> tuple[list[GroupLine], list[GroupLine], list[GroupLine], Row]:
    """Units, sites, hours bands and the total, protected together: they count the same
    people, so a figure in one must not give away a hidden one in another."""
    band_names = band_labels()
    band_keys = [key for key, _lower in HOURS_BANDS]
    cells: dict[tuple[str, str], Group] = {}
    for unit in counts["units"]:
        for band, value in unit["bands"].items():
            cells[(str(unit["id"]), band)] = Group(value["carers"], value["staff"])
    if not cells:
        # A partnership: no units, the bands alone (and nothing at all for nobody).
        for band in band_keys:
            value = counts["bands"].get(band, {"staff": 0, "carers": 0})
            cells[(band, band)] = Group(value["carers"], value["staff"])
        site_of = None
    else:
        site_of = {str(u["id"]): str(u["site"]) for u in counts["units"]}
    before = None
    if last_month is not None and site_of is not None and last_month[0].get("units"):
        old_cells, old_site_of = _cells(last_month[0])
        before = before_from(old_cells, old_site_of, last_month[1], "people", now=cells)
    unit_rows, site_rows, band_rows, total = protect_organisation(
        cells, site_of, memo=memo, name="people", before=before
    )
    no_unit = _("No unit on their record")
    if site_of is None:
        by_unit, by_site = [], []
    else:
        unit_names = {str(u["id"]): u["name"] or no_unit for u in counts["units"]}
        site_names = {str(u["site"]): u["site_name"] or no_unit for u in counts["units"]}
        by_unit = [GroupLine(key, unit_names[key], unit_rows[key]) for key in unit_names]
        by_site = sorted(
            (GroupLine(str(key), site_names[str(key)], row) for key, row in site_rows.items()),
            key=lambda line: (line.key == "None", line.label.casefold()),
        )
    by_band = [
        GroupLine(key, band_names[key], band_rows[key]) for key in band_keys if key in band_rows
    ]
    return by_unit, by_site, by_band, total


def _groups(groups: Mapping[str, Mapping[str, int]], labels: Mapping[str, str]) -> list[GroupLine]:
    rows, _total = protect_groups({key: _group(value) for key, value in groups.items()})
    return [GroupLine(key, labels.get(key, key), rows[key]) for key in groups]


def _leave(leave: Mapping[str, float]) -> list[Line]:
    """People, and how often and how long: the latter are hidden with the people, since a
    small group's days say how much each of them took."""
    out = []
    for people_key, label, more in (
        (
            "carers_leave_people",
            _("People who took carer's leave"),
            (("carers_leave_days", _("Days of carer's leave taken")),),
        ),
        (
            "dependants_people",
            _("People who took time off for dependants"),
            (
                ("dependants_occasions", _("Times time off for dependants was taken")),
                ("dependants_days", _("Days of time off for dependants")),
            ),
        ),
    ):
        people = publish(int(leave[people_key]))
        out.append(Line(people_key, label, people))
        for key, text in more:
            value = round(float(leave[key]))
            out.append(Line(key, text, publish(value) if people.shown else _hidden(value)))
    return out


def build(
    counts: Mapping[str, Any],
    *,
    month: date,
    trend: Sequence[tuple[date, Mapping[str, Any]]] = (),
    organisations: int = 0,
    memo: Memo | None = None,
    last_month: tuple[Mapping[str, Any], Memo] | None = None,
) -> Report:
    """A report from one month's exact counts (one organisation's, or a partnership's sum)."""
    memo = memo if memo is not None else {}
    by_unit, by_site, by_band, carers = _people(counts, memo, last_month)
    nations = counts.get("nations") or {}
    by_nation = (
        _groups(nations, {value: str(label) for value, label in Nation.choices})
        if len(nations) > 1
        else []
    )

    passports = counts["passports"]
    review_figures, _agreed = protect_counts(
        memo=memo,
        name="reviews",
        counts={
            "review_on_time": passports["review_on_time"],
            "review_overdue": passports["review_overdue"],
            "no_review_date": passports["no_review_date"],
        },
    )
    reviews = _lines(
        review_figures,
        {
            "review_on_time": _("Review date still to come"),
            "review_overdue": _("Review overdue"),
            "no_review_date": _("No review date set"),
        },
    )

    flexible = counts["flexible"]
    outcome_figures, received = protect_counts(flexible["by_status"], memo=memo, name="outcomes")
    reason_figures, _reasons_total = protect_counts(
        flexible["refusal_reasons"], memo=memo, name="reasons"
    )
    deadline_figures, _decided = protect_counts(
        memo=memo,
        name="deadlines",
        counts={"in_time": flexible["decided_in_time"], "late": flexible["decided_late"]},
    )
    decided_count = flexible["decided_in_time"] + flexible["decided_late"]

    training = []
    labels = training_labels()
    for key, value in counts.get("training", {}).items():
        rows, _total_row = protect_groups(
            {key: Group(carers=value["passed"], staff=value["total"])}
        )
        training.append(Training(key, labels.get(key, key), rows[key]))

    trend_points = []
    for point_month, point in trend:
        if point_month == month:
            trend_points.append(TrendPoint(point_month, carers))
            continue
        if "hidden" in point:
            trend_points.append(
                TrendPoint(
                    point_month,
                    total_row(_group(point), hidden=point["hidden"], withheld=point["withheld"]),
                )
            )
            continue
        point_rows, _t = protect_groups({"all": _group(point)})
        trend_points.append(TrendPoint(point_month, point_rows["all"]))

    network = counts["network"]
    return Report(
        month=month,
        as_at=date.fromisoformat(counts["as_at"]),
        carers=carers,
        by_unit=by_unit,
        by_site=by_site,
        by_band=by_band,
        by_nation=by_nation,
        trend=trend_points,
        passports_agreed=_agreed,
        reviews=reviews,
        leave=_leave(counts["leave"]),
        flexible_received=received,
        flexible_outcomes=_lines(outcome_figures, flexible_status_labels()),
        refusal_reasons=_lines(reason_figures, refusal_reason_labels()),
        deadlines=_lines(
            deadline_figures,
            {
                "in_time": _("Decided by the deadline"),
                "late": _("Decided after the deadline"),
            },
        ),
        median_days_to_decide=(
            flexible.get("median_days_to_decide") if decided_count >= 2 * THRESHOLD else None
        ),
        training=training,
        network_exists=bool(network["exists"]),
        network_members=publish(network["members"]),
        network_meetings=publish(network["meetings_held"]),
        organisations=organisations,
    )
