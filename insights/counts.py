"""The exact counts behind a month's figures: a small, fixed set of grouped queries.

These numbers are never shown as they are. ``insights.services.take_snapshot`` keeps them
for the month, and ``insights.report`` makes every figure from them through
``insights.disclosure``. The queries cost the same whatever the organisation's size: one
grouped count of staff by unit and hours band, one list of units, and a few counts through
each feature app's public module (passports, leave, learning, networks).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median_low
from typing import Any, TypedDict

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone

from learning import public as learning
from leave import public as leave
from networks import public as networks
from organisations.models import Organisation, StaffRecord, StaffStatus, Unit
from passports import public as passports

#: Contracted hours bands, as HR reports part-time work: the key, and the lower bound.
HOURS_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("under_16", Decimal("0")),
    ("16_to_29", Decimal("16")),
    ("30_or_more", Decimal("30")),
)
#: The modules whose completion insight reports, and among whom.
TRAINING: tuple[tuple[str, str, learning.Group], ...] = (
    ("carer_aware", "carer-aware", learning.Group.EVERYONE),
    ("managers_module", "supporting-carers", learning.Group.MANAGERS),
)
#: Flows (leave taken, requests received, meetings) are counted over the year to the day
#: the figures are taken.
PERIOD_DAYS = 365


class UnitCounts(TypedDict):
    #: The unit's id, or None for people with no unit on their record.
    id: int | None
    name: str
    #: The unit at the top of its tree (the site), or None with the unit.
    site: int | None
    site_name: str
    staff: int
    carers: int
    #: The same by hours band: what lets the protection see units and bands together.
    bands: dict[str, dict[str, int]]


def _band_case() -> Case:
    whens = [
        When(hours_per_week__gte=lower, then=Value(key))
        for key, lower in reversed(HOURS_BANDS)
        if lower
    ]
    return Case(*whens, default=Value(HOURS_BANDS[0][0]), output_field=CharField())


def _sites(organisation: Organisation) -> dict[int, tuple[str, int, str]]:
    """Each unit's name and the id and name of the unit at the top of its tree."""
    units = {
        pk: (name, parent)
        for pk, name, parent in Unit.objects.filter(organisation=organisation).values_list(
            "pk", "name", "parent_id"
        )
    }
    out: dict[int, tuple[str, int, str]] = {}
    for pk, (name, _parent) in units.items():
        top, seen = pk, {pk}
        while (parent := units[top][1]) is not None and parent in units and parent not in seen:
            seen.add(parent)
            top = parent
        out[pk] = (name, top, units[top][0])
    return out


def carers_by_unit_and_band(
    *, organisation: Organisation
) -> tuple[list[UnitCounts], dict[str, dict[str, int]]]:
    """Staff in post and counted carers among them, by unit (with its site) and by hours
    band: two queries."""
    counted = passports.counted_carer_staff(organisation=organisation)
    rows = (
        StaffRecord.objects.filter(organisation=organisation, status=StaffStatus.ACTIVE)
        .annotate(band=_band_case())
        .order_by()
        .values("unit_id", "band")
        .annotate(staff=Count("pk"), carers=Count("pk", filter=Q(pk__in=counted)))
    )
    sites = _sites(organisation)
    units: dict[int | None, UnitCounts] = {}
    bands = {key: {"staff": 0, "carers": 0} for key, _lower in HOURS_BANDS}
    for row in rows:
        unit_id = row["unit_id"]
        if unit_id not in units:
            name, site, site_name = (
                sites.get(unit_id, ("", None, "")) if unit_id else ("", None, "")
            )
            units[unit_id] = UnitCounts(
                id=unit_id,
                name=name,
                site=site,
                site_name=site_name,
                staff=0,
                carers=0,
                bands={},
            )
        units[unit_id]["staff"] += row["staff"]
        units[unit_id]["carers"] += row["carers"]
        units[unit_id]["bands"][row["band"]] = {"staff": row["staff"], "carers": row["carers"]}
        bands[row["band"]]["staff"] += row["staff"]
        bands[row["band"]]["carers"] += row["carers"]
    ordered = sorted(
        units.values(), key=lambda u: (u["id"] is None, u["name"].casefold(), u["id"] or 0)
    )
    return ordered, bands


def gather(*, organisation: Organisation, today: date) -> dict[str, Any]:
    """Every exact count a month's figures are made from, as plain JSON-ready data."""
    since = today - timedelta(days=PERIOD_DAYS)
    units, bands = carers_by_unit_and_band(organisation=organisation)
    taken = leave.leave_taken(organisation=organisation, since=since, until=today)
    flexible = leave.flexible_outcomes(
        organisation=organisation, received_after=since, received_by=today
    )
    zone = timezone.get_current_timezone()
    # Meetings from the start of the day after ``since``: the same 365 days as the leave.
    network = networks.network_figures(
        organisation=organisation,
        since=datetime.combine(since + timedelta(days=1), time.min, tzinfo=zone),
        until=datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
    )
    training = {}
    for key, module, among in TRAINING:
        try:
            done = learning.completion(organisation=organisation, module_slug=module, among=among)
        except ValueError:  # a deployment without the module
            continue
        training[key] = {"passed": done.passed, "total": done.total}
    return {
        "version": 1,
        "as_at": today.isoformat(),
        "nation": organisation.nation,
        "staff": sum(u["staff"] for u in units),
        "carers": sum(u["carers"] for u in units),
        "units": units,
        "bands": bands,
        "passports": passports.passport_figures(organisation=organisation, today=today),
        "leave": {
            "carers_leave_people": taken.carers_leave_people,
            "carers_leave_days": float(taken.carers_leave_days),
            "dependants_people": taken.dependants_people,
            "dependants_occasions": taken.dependants_occasions,
            "dependants_days": float(taken.dependants_days),
        },
        "flexible": {
            "by_status": flexible.by_status,
            "refusal_reasons": flexible.refusal_reasons,
            "decided_in_time": flexible.decided_in_time,
            "decided_late": flexible.decided_late,
            "median_days_to_decide": (
                median_low(flexible.days_to_decide) if flexible.days_to_decide else None
            ),
        },
        "training": training,
        "network": {
            "exists": network.exists,
            "members": network.members,
            "meetings_held": network.meetings_held,
        },
    }
