"""Taking a month's figures: the only write insight makes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from insights.counts import gather
from insights.models import Snapshot
from insights.report import build
from organisations.models import Organisation


def month_of(day: date) -> date:
    return day.replace(day=1)


def take_snapshot(*, organisation: Organisation, today: date | None = None) -> Snapshot:
    """This month's figures for ``organisation``: taken now if nobody has taken them yet, and
    never again this month. Two requests racing each other keep the first one's."""
    today = today or timezone.localdate()
    month = month_of(today)
    found = Snapshot.objects.filter(organisation=organisation, month=month).first()
    if found is not None:
        return found
    counts = gather(organisation=organisation, today=today)
    suppression: dict[str, Any] = {}
    # Last month's figures are already shown: this month's must not, set beside them, give
    # away what either hides (a unit that did not change is the same count in both).
    last = (
        Snapshot.objects.filter(organisation=organisation, month__lt=month)
        .order_by("-month")
        .first()
    )
    last_month = ({**last.counts, "units": last.units}, last.suppression) if last else None
    build(counts, month=month, memo=suppression, last_month=last_month)
    units = counts.pop("units")
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                organisation=organisation,
                month=month,
                taken_at=timezone.now(),
                counts=counts,
                units=units,
                suppression=suppression,
            )
    except IntegrityError:
        return Snapshot.objects.get(organisation=organisation, month=month)


def take_all_snapshots(*, today: date | None = None) -> int:
    """This month's figures for every organisation that has none yet (the monthly task).
    Returns how many were taken."""
    today = today or timezone.localdate()
    have = Snapshot.objects.filter(month=month_of(today)).values("organisation_id")
    taken = 0
    for organisation in Organisation.objects.exclude(pk__in=have).iterator():
        take_snapshot(organisation=organisation, today=today)
        taken += 1
    return taken
