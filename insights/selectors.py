"""Reading the months' figures kept for organisations and partnerships."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import IntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from insights.models import Snapshot
from organisations.models import Organisation, Partnership

#: How many months the trend shows: this month and the twelve before it.
TREND_MONTHS = 13


def _first_trend_month(month: date) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 - (TREND_MONTHS - 1), 12)
    return date(year, index + 1, 1)


def _month_totals(snapshots: QuerySet[Snapshot]) -> list[tuple[date, dict[str, Any]]]:
    """Each snapshot's month, carers and staff, and whether its report hid or held back the
    total: the trend shows each month as that month's report showed it, never undoing what
    the protection decided then."""
    rows = snapshots.annotate(
        carers=Cast(KT("counts__carers"), IntegerField()),
        staff=Cast(KT("counts__staff"), IntegerField()),
    ).values(
        "month", "carers", "staff", "suppression__people__total", "suppression__people__withheld"
    )
    return [
        (
            row["month"],
            {
                "carers": row["carers"],
                "staff": row["staff"],
                "hidden": bool(row["suppression__people__total"]),
                "withheld": "total" in (row["suppression__people__withheld"] or ()),
            },
        )
        for row in rows
    ]


def trend_of(*, organisation: Organisation, month: date) -> list[tuple[date, dict[str, Any]]]:
    """Carers and staff in each of the organisation's months up to ``month``, oldest first:
    one query, reading two numbers of each month."""
    return _month_totals(
        Snapshot.objects.filter(
            organisation=organisation, month__lte=month, month__gte=_first_trend_month(month)
        ).order_by("month")
    )


def partnership_trend(
    *, partnership: Partnership, month: date
) -> list[tuple[date, list[dict[str, Any]]]]:
    """Each member organisation's total for each month up to ``month``, with what its report
    decided about showing it: one query."""
    out: dict[date, list[dict[str, Any]]] = {}
    for point_month, point in _month_totals(
        Snapshot.objects.filter(
            organisation__partnership=partnership,
            month__lte=month,
            month__gte=_first_trend_month(month),
        ).order_by("month", "organisation_id")
    ):
        out.setdefault(point_month, []).append(point)
    return sorted(out.items())


def member_organisations(*, partnership: Partnership) -> list[Organisation]:
    return list(Organisation.objects.filter(partnership=partnership).order_by("name", "pk"))


def partnership_month(*, partnership: Partnership, month: date) -> list[Snapshot]:
    """Every member organisation's figures for ``month``, without their units: one query."""
    return list(
        Snapshot.objects.filter(organisation__partnership=partnership, month=month)
        .defer("units")
        .order_by("organisation_id")
    )


def partnership_stamp(
    *, partnership: Partnership, month: date
) -> list[tuple[int, int, date, datetime]]:
    """Which months of which members a partnership's report for ``month`` is made from, as
    (snapshot, organisation, month, when taken): one light query. A month's figures never
    change once taken, so the same stamp means the same report."""
    return list(
        Snapshot.objects.filter(
            organisation__partnership=partnership,
            month__lte=month,
            month__gte=_first_trend_month(month),
        )
        .order_by("pk")
        .values_list("pk", "organisation_id", "month", "taken_at")
    )


def members_without_month(*, partnership: Partnership, month: date) -> int:
    """How many member organisations have no figures for ``month`` yet: one query."""
    return (
        Organisation.objects.filter(partnership=partnership)
        .exclude(insight_snapshots__month=month)
        .count()
    )


def month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def snapshot_of(*, organisation: Organisation, month: date) -> Snapshot | None:
    """The organisation's figures for ``month`` if they were taken; never taken afterwards,
    as a month's figures stand for the month they were taken in."""
    return Snapshot.objects.filter(organisation=organisation, month=month).first()
