"""The month's report for an organisation or a partnership, as every insight page reads it."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchmarks.public import FrameworkPosition, positions_for, positions_of
from commitments.public import SignedCommitment, partnership_signed_commitments
from insights import charts, selectors
from insights.changes import changes_between
from insights.disclosure import Group, protect_counts, total_row
from insights.documents import BoardReport
from insights.partnership import Member, partnership_figures
from insights.report import Line, Report, build
from insights.services import month_of, take_snapshot
from insights.tasks import take_monthly_figures
from organisations.models import Organisation, Partnership
from plans.public import org_plan_rag
from shared.queue import is_redis_error


def organisation_report(*, organisation: Organisation, today: date) -> Report:
    """This month's figures, taken now if they have not been yet, with the trend: two
    queries once the month's figures exist."""
    snapshot = take_snapshot(organisation=organisation, today=today)
    return build(
        {**snapshot.counts, "units": snapshot.units},
        month=snapshot.month,
        trend=selectors.trend_of(organisation=organisation, month=snapshot.month),
        memo=dict(snapshot.suppression),
    )


@dataclass(frozen=True)
class Headline:
    """The three figures for the home page, read without building the whole report."""

    month: date
    as_at: date
    lines: list[Line]


def organisation_headline(*, organisation: Organisation, today: date) -> Headline:
    """Carers counted, passports agreed and reviews overdue, as the month's report shows
    them (the same decisions, kept with the month): two queries at most, whatever the
    number of units."""
    snapshot = take_snapshot(organisation=organisation, today=today)
    counts, memo = snapshot.counts, dict(snapshot.suppression)
    people = memo.get("people", {})
    carers = total_row(
        Group(counts["carers"], counts["staff"]),
        hidden=bool(people.get("total")),
        withheld="total" in people.get("withheld", ()),
    ).carers
    passports = counts["passports"]
    reviews, agreed = protect_counts(
        {key: passports[key] for key in ("review_on_time", "review_overdue", "no_review_date")},
        memo=memo,
        name="reviews",
    )
    return Headline(
        month=snapshot.month,
        as_at=date.fromisoformat(counts["as_at"]),
        lines=[
            Line("carers", _("Carers who chose to be counted"), carers),
            Line("passports_agreed", _("Passports agreed"), agreed),
            Line("review_overdue", _("Passport reviews overdue"), reviews["review_overdue"]),
        ],
    )


logger = logging.getLogger(__name__)

#: The most members' months a partnership's page takes while its lead waits. A member's month
#: takes from a tenth of a second to a few seconds; in the first hour of a month, before the
#: nightly task, a partnership of 200 members would otherwise hold the page for minutes.
TAKEN_WHILE_WAITING = 5
#: How long one hand-over to the task worker stands before a later visit may hand over again.
HANDED_OVER_FOR = 600


def partnership_waiting(*, partnership: Partnership, today: date) -> int:
    """How many members' months are still being taken, when more than the page should take
    itself; they are handed to the task worker (once in ``HANDED_OVER_FOR`` seconds, however
    often the page is opened). 0 means the page can be made now. The page shows no figures
    meanwhile: a sum over only some members, set beside the full one later, would give away
    what the others added."""
    month = month_of(today)
    missing = selectors.members_without_month(partnership=partnership, month=month)
    if missing <= TAKEN_WHILE_WAITING:
        return 0
    # A month and nothing more in the key: the task takes every organisation's missing month.
    key = f"insights:taking:{month:%Y-%m}"
    if cache.add(key, True, HANDED_OVER_FOR):
        try:
            take_monthly_figures.enqueue()
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            # The Redis queue is down: say so, and try again next visit.
            cache.delete(key)
            logger.warning("Monthly figures not queued: the task queue is unavailable (%s)", exc)
    return missing


#: How long a partnership's added-up month is kept ready in the cache. Its parts never change
#: once taken, and a member joining or leaving, a month taken, a nation changed or another
#: language gives another key, so this only bounds what an unused key costs.
PARTNERSHIP_CACHED_FOR = 6 * 3600
#: Part of the key: a release that changes how figures are made or protected changes this,
#: so no sum made the old way is read after it.
REPORT_VERSION = 1


def partnership_report(*, partnership: Partnership, today: date) -> Report | None:
    """The partnership's month: its members' figures as each shows them, added up
    (``insights.partnership``); None when fewer than three members have figures. Members
    whose month has not been taken yet have it taken now (the monthly task normally has).

    Adding up 209 members' months means building each one's report: about half a second.
    The result is kept in the cache under a key made of exactly what it is made from (which
    members' months, their nations, the language), so the page reads it with three light
    queries. What is kept is the partnership's figures as its lead sees them, never a
    member's own."""
    month = month_of(today)
    members = selectors.member_organisations(partnership=partnership)
    nations = {organisation.pk: organisation.nation for organisation in members}
    stamp = selectors.partnership_stamp(partnership=partnership, month=month)
    have = {organisation for _pk, organisation, taken, _at in stamp if taken == month}
    missing = [organisation for organisation in members if organisation.pk not in have]
    for organisation in missing:
        take_snapshot(organisation=organisation, today=today)
    if missing:
        stamp = selectors.partnership_stamp(partnership=partnership, month=month)
    made_of = repr(
        (REPORT_VERSION, partnership.pk, month, get_language(), stamp, sorted(nations.items()))
    )
    key = f"insights:partnership:{hashlib.sha256(made_of.encode()).hexdigest()}"
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 1:
        return cast(Report | None, kept[0])
    snapshots = selectors.partnership_month(partnership=partnership, month=month)
    # A month taken, or a member gone, between the stamp and this read: the sum is right for
    # now but not for the key, so it is not kept.
    keep = {s.pk for s in snapshots} == {pk for pk, _org, taken, _at in stamp if taken == month}
    as_at = max((date.fromisoformat(s.counts["as_at"]) for s in snapshots), default=today)
    report = partnership_figures(
        [
            (
                nations.get(s.organisation_id, s.counts.get("nation", "")),
                Member(s.counts, s.suppression),
            )
            for s in snapshots
        ],
        month=month,
        as_at=as_at,
        trend=selectors.partnership_trend(partnership=partnership, month=month),
    )
    if keep:
        cache.set(key, (report,), PARTNERSHIP_CACHED_FOR)
    return report


def previous_report(*, organisation: Organisation, month: date) -> Report | None:
    """The month before ``month``'s figures, made safe the same way, or None when they were
    not taken (the organisation is new, or the monthly task did not run)."""
    snapshot = selectors.snapshot_of(organisation=organisation, month=selectors.month_before(month))
    if snapshot is None:
        return None
    return build(
        {**snapshot.counts, "units": snapshot.units},
        month=snapshot.month,
        memo=dict(snapshot.suppression),
    )


def board_report(*, organisation: Organisation, today: date) -> BoardReport:
    """Everything the board report prints: this month's figures and charts, the change from
    last month's (when they were taken), the benchmark position and the plan's RAG summary."""
    report = organisation_report(organisation=organisation, today=today)
    before = previous_report(organisation=organisation, month=report.month)
    return BoardReport(
        organisation_name=organisation.name,
        report=report,
        charts=charts.charts_for(report),
        positions=positions_of(organisation=organisation),
        plan=org_plan_rag(organisation=organisation, today=today),
        changes=changes_between(before, report) if before is not None else None,
        printed_on=today,
    )


@dataclass(frozen=True)
class MemberStanding:
    """One member organisation's benchmark position, for the partnership's page."""

    name: str
    positions: list[FrameworkPosition]


@dataclass(frozen=True)
class PartnershipStanding:
    frameworks: list[str]
    members: list[MemberStanding]
    commitments: list[SignedCommitment]


def partnership_standing(*, partnership: Partnership) -> PartnershipStanding:
    """Each member's level on each framework and the commitments members signed: a constant
    number of queries whatever the number of members. Levels and signatures are not counts
    of people, so they are shown per organisation."""
    members = selectors.member_organisations(partnership=partnership)
    positions = positions_for(members)
    first = next(iter(positions.values()), [])
    return PartnershipStanding(
        frameworks=[position.framework_name for position in first],
        members=[MemberStanding(member.name, positions[member.pk]) for member in members],
        commitments=partnership_signed_commitments(partnership=partnership),
    )
