"""The month's report for an organisation or a partnership, as every insight page reads it."""

from __future__ import annotations

from datetime import date

from insights import selectors
from insights.report import Report, add_up, build
from insights.services import month_of, take_snapshot
from organisations.models import Organisation, Partnership


def organisation_report(*, organisation: Organisation, today: date) -> Report:
    """This month's figures, taken now if they have not been yet, with the trend: two
    queries once the month's figures exist."""
    snapshot = take_snapshot(organisation=organisation, today=today)
    return build(
        {**snapshot.counts, "units": snapshot.units},
        month=snapshot.month,
        trend=selectors.trend_of(organisation=organisation, month=snapshot.month),
    )


def partnership_report(*, partnership: Partnership, today: date) -> Report:
    """The partnership's month: its member organisations' figures added up before anything is
    made safe to show, so no one organisation's figure is ever shown on its own. Members
    whose month has not been taken yet have it taken now (the monthly task normally has)."""
    month = month_of(today)
    snapshots = selectors.partnership_month(partnership=partnership, month=month)
    have = {snapshot.organisation_id for snapshot in snapshots}
    for organisation in selectors.member_organisations(partnership=partnership):
        if organisation.pk not in have:
            snapshots.append(take_snapshot(organisation=organisation, today=today))
    counts = add_up(snapshot.counts for snapshot in snapshots)
    counts["as_at"] = counts["as_at"] or today.isoformat()
    return build(
        counts,
        month=month,
        trend=selectors.partnership_trend(partnership=partnership, month=month),
        organisations=len(snapshots),
    )
