"""The month's flows against plain SQL on generated data: carer's leave and time off for
dependants taken, flexible-working requests and what became of them, training passed and the
carer network, each counted straight from the tables as docs/insight.md describes the figure,
for several seeds. ``test_disclosure_database`` does the same for people by unit, site and
hours band, and for passports, and makes the data both use (``population``, ``activity``).

Each query here is written from what the figure means, not from the product's queries: a
year is the 365 days after ``since`` up to and including the day the figures are taken, and
a decision's day is the day on the organisation's clock.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from insights.counts import gather
from insights.tests.test_disclosure_database import (
    LOCAL,
    REASONS,
    TODAY,
    YEAR,
    activity,
    population,
)
from learning import public as learning_public
from learning.catalogue import find_module
from learning.content import modules
from learning.models import ModuleProgress
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DayPart,
    DependantsTimeOff,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from networks.models import Meeting, Network, NetworkMember
from organisations.models import Membership, Organisation, Role, StaffRecord, StaffStatus
from organisations.tests.factories import OrganisationFactory, PartnershipFactory
from passports.models import CarerDeclaration

pytestmark = pytest.mark.django_db
SEEDS = [1, 2, 3, 4]


def table(model: Any) -> str:
    return str(model._meta.db_table)


def moment(value: datetime) -> Any:
    """A moment as the database keeps it (SQLite keeps UTC without its zone)."""
    return connection.ops.adapt_datetimefield_value(value)


def local_day(value: datetime) -> date:
    """The day a moment falls on in the organisation's clock; SQLite gives UTC without its
    zone, PostgreSQL with it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL).date()


def leave_by_sql(org: Organisation, today: date) -> dict[str, Any]:
    """People with a day of agreed or postponed carer's leave in the year, and those days (a
    half day is a half); time off for dependants begun in the year: people, times, days."""
    since = today - timedelta(days=YEAR)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(DISTINCT r.staff_id),
                   SUM(CASE WHEN d.part = %s THEN 2 ELSE 1 END)
            FROM {table(CarersLeaveDay)} d
            JOIN {table(CarersLeaveRequest)} r ON r.id = d.request_id
            WHERE r.organisation_id = %s AND r.status IN (%s, %s)
              AND d.day > %s AND d.day <= %s
            """,  # noqa: S608
            [
                DayPart.FULL.value,
                org.pk,
                RequestStatus.ACCEPTED.value,
                RequestStatus.POSTPONED.value,
                since,
                today,
            ],
        )
        people, halves = cursor.fetchone()
        cursor.execute(
            f"""
            SELECT COUNT(DISTINCT staff_id), COUNT(*), SUM(days)
            FROM {table(DependantsTimeOff)}
            WHERE organisation_id = %s AND first_day > %s AND first_day <= %s
            """,  # noqa: S608
            [org.pk, since, today],
        )
        dependants, occasions, days = cursor.fetchone()
    return {
        "carers_leave_people": people,
        "carers_leave_days": (halves or 0) / 2,
        "dependants_people": dependants,
        "dependants_occasions": occasions,
        "dependants_days": float(days or 0),
    }


def flexible_by_sql(org: Organisation, today: date) -> dict[str, Any]:
    """Requests received in the year by status now; the refused ones by each statutory reason
    they give (once however often it is written); the decided ones (approved, with changes or
    refused, not waiting on an appeal) by their day against the deadline or the later day
    the employee agreed; the lower median of the days they took."""
    since = today - timedelta(days=YEAR)
    received = "organisation_id = %s AND received_on > %s AND received_on <= %s"
    period: list[Any] = [org.pk, since, today]
    # The reasons are a JSON list; as text, each reason is written in double quotes.
    contains = ", ".join(
        "SUM(CASE WHEN CAST(refusal_reasons AS TEXT) LIKE %s ESCAPE '!' THEN 1 ELSE 0 END)"
        for _reason in REASONS
    )
    patterns = ['%"' + reason.replace("_", "!_") + '"%' for reason in REASONS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, COUNT(*) FROM {table(FlexibleWorkingRequest)} "  # noqa: S608
            f"WHERE {received} GROUP BY status",
            period,
        )
        by_status = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT {contains} FROM {table(FlexibleWorkingRequest)} "  # noqa: S608
            f"WHERE {received} AND status = %s",
            [*patterns, *period, FlexibleStatus.REFUSED.value],
        )
        reasons = cursor.fetchone()
        cursor.execute(
            f"""
            SELECT received_on, decision_due, extension_agreed_to, decided_at
            FROM {table(FlexibleWorkingRequest)}
            WHERE {received} AND status IN (%s, %s, %s) AND decided_at IS NOT NULL
            """,  # noqa: S608
            [
                *period,
                FlexibleStatus.APPROVED.value,
                FlexibleStatus.APPROVED_WITH_CHANGES.value,
                FlexibleStatus.REFUSED.value,
            ],
        )
        decided = [
            (on, extension or due, local_day(at)) for on, due, extension, at in cursor.fetchall()
        ]
    took = sorted((day - on).days for on, _by, day in decided)
    return {
        "by_status": {status: by_status.get(status, 0) for status in FlexibleStatus.values},
        "refusal_reasons": {
            reason: int(count or 0) for reason, count in zip(REASONS, reasons, strict=True)
        },
        "decided_in_time": sum(1 for _on, by, day in decided if day <= by),
        "decided_late": sum(1 for _on, by, day in decided if day > by),
        "median_days_to_decide": took[(len(took) - 1) // 2] if took else None,
    }


def training_by_sql(
    org: Organisation, module: str, *, managers: bool, withdrawn: frozenset[int] = frozenset()
) -> dict[str, int]:
    """People in post with an account here (with ``managers``, those who line manage someone
    in post), and how many of them passed ``module`` here on a version not withdrawn."""
    staff = table(StaffRecord)
    manages = (
        f"AND EXISTS (SELECT 1 FROM {staff} r "  # noqa: S608
        "WHERE r.line_manager_id = s.id AND r.status = %s)"
        if managers
        else ""
    )
    standing = (
        f"AND p.module_version NOT IN ({', '.join(str(int(v)) for v in sorted(withdrawn))})"
        if withdrawn
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*),
                   SUM(CASE WHEN EXISTS (
                       SELECT 1 FROM {table(ModuleProgress)} p
                       WHERE p.organisation_id = s.organisation_id AND p.user_id = s.user_id
                         AND p.module = %s AND p.completed_at IS NOT NULL
                         {standing}
                   ) THEN 1 ELSE 0 END)
            FROM {staff} s
            WHERE s.organisation_id = %s AND s.status = %s AND s.user_id IS NOT NULL {manages}
            """,  # noqa: S608
            [
                module,
                org.pk,
                StaffStatus.ACTIVE.value,
                *([StaffStatus.ACTIVE.value] if managers else []),
            ],
        )
        total, passed = cursor.fetchone()
    return {"passed": int(passed or 0), "total": total}


def network_by_sql(org: Organisation, today: date) -> dict[str, Any]:
    """The network the organisation's staff use (its own, or else one another organisation of
    its partnership shares with it); its members who hold a role here and are not marked as
    left here, less carers here who chose not to be counted; its meetings not called off that
    began in the year to the end of ``today``, and have begun."""
    networks, organisations = table(Network), table(Organisation)
    start = datetime.combine(today - timedelta(days=YEAR - 1), datetime.min.time(), tzinfo=LOCAL)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.id FROM {networks} n JOIN {organisations} host ON host.id = n.organisation_id
            WHERE n.organisation_id = %s
               OR (n.shared_with_id = %s AND host.partnership_id = n.shared_with_id)
            ORDER BY CASE WHEN n.organisation_id = %s THEN 0 ELSE 1 END, n.created_at, n.id
            """,  # noqa: S608
            [org.pk, org.partnership_id, org.pk],
        )
        found = cursor.fetchone()
        if found is None:
            return {"exists": False, "members": 0, "meetings_held": 0}
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM {table(NetworkMember)} m
            WHERE m.network_id = %s
              AND EXISTS (
                SELECT 1 FROM {table(Membership)} role
                WHERE role.user_id = m.user_id AND role.organisation_id = %s
              )
              AND NOT EXISTS (
                SELECT 1 FROM {table(StaffRecord)} s
                WHERE s.user_id = m.user_id AND s.organisation_id = %s AND s.status = %s
              )
              AND NOT EXISTS (
                SELECT 1 FROM {table(CarerDeclaration)} d
                JOIN {table(StaffRecord)} s ON s.id = d.staff_id
                WHERE s.user_id = m.user_id AND s.organisation_id = %s
                  AND d.include_in_counts = %s
              )
            """,  # noqa: S608
            [found[0], org.pk, org.pk, StaffStatus.LEFT.value, org.pk, False],
        )
        (members,) = cursor.fetchone()
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM {table(Meeting)}
            WHERE network_id = %s AND cancelled_at IS NULL
              AND starts_at >= %s AND starts_at < %s AND starts_at < %s
            """,  # noqa: S608
            [found[0], moment(start), moment(end), moment(datetime.now(tz=UTC))],
        )
        (held,) = cursor.fetchone()
    return {"exists": True, "members": members, "meetings_held": held}


def organisations(seed: int) -> tuple[Organisation, Organisation]:
    """Ours and another of the same partnership, both generated. When the seed is a multiple
    of three, ours has no network and uses the one the other shares with the partnership."""
    partnership = PartnershipFactory.create()
    ours = OrganisationFactory.create(partnership=partnership)
    theirs = OrganisationFactory.create(partnership=partnership)
    shared = seed % 3 == 0
    for org, own_seed in ((ours, seed), (theirs, seed + 100)):
        population(org, own_seed)
        activity(org, own_seed, own_network=not (shared and org == ours))
    rng = random.Random(seed)
    ours_users = list(
        User.objects.filter(staff_records__organisation=ours).order_by("pk").distinct()
    )
    theirs_users = list(
        User.objects.filter(staff_records__organisation=theirs).order_by("pk").distinct()
    )
    # Some of our people work there too: what they passed there is not ours.
    for user in rng.sample(ours_users, min(4, len(ours_users))):
        Membership.objects.get_or_create(user=user, organisation=theirs, role=Role.EMPLOYEE)
        ModuleProgress.objects.get_or_create(
            organisation=theirs,
            user=user,
            module="carer-aware",
            defaults={"module_version": 1, "completed_at": datetime.now(tz=UTC)},
        )
    theirs_network = Network.objects.get(organisation=theirs)
    if shared:
        Network.objects.filter(pk=theirs_network.pk).update(shared_with=partnership)
        for user in ours_users:
            if rng.random() < 0.5:
                NetworkMember.objects.get_or_create(network=theirs_network, user=user)
    else:
        # Their people in our network (joined while it was shared, say) are not ours.
        ours_network = Network.objects.get(organisation=ours)
        for user in rng.sample(theirs_users, min(5, len(theirs_users))):
            NetworkMember.objects.get_or_create(network=ours_network, user=user)
    return ours, theirs


@pytest.mark.parametrize("seed", SEEDS)
def test_gathered_flows_agree_with_plain_sql(seed):
    ours, _theirs = organisations(seed)
    counts = gather(organisation=ours, today=TODAY)

    assert counts["leave"] == leave_by_sql(ours, TODAY)
    assert counts["flexible"] == flexible_by_sql(ours, TODAY)
    assert counts["training"] == {
        "carer_aware": training_by_sql(ours, "carer-aware", managers=False),
        "managers_module": training_by_sql(ours, "supporting-carers", managers=True),
    }
    assert counts["network"] == network_by_sql(ours, TODAY)
    # The data reaches every kind of figure, so none of the above agrees only at nothing.
    assert counts["leave"]["carers_leave_people"] > 0
    assert CarersLeaveDay.objects.filter(
        request__organisation=ours,
        request__status=RequestStatus.ACCEPTED,
        part__in=[DayPart.MORNING, DayPart.AFTERNOON],
        day__gt=TODAY - timedelta(days=YEAR),
        day__lte=TODAY,
    ).exists()
    assert counts["leave"]["dependants_occasions"] > counts["leave"]["dependants_people"] > 0
    assert sum(counts["flexible"]["by_status"].values()) > 0
    assert sum(counts["flexible"]["refusal_reasons"].values()) > 0
    assert counts["flexible"]["decided_in_time"] > 0
    assert counts["flexible"]["decided_late"] > 0
    for done in counts["training"].values():
        assert done["total"] > done["passed"] > 0
    assert counts["network"]["members"] > 0
    assert counts["network"]["meetings_held"] > 0

    # One more decided request, so that the median is taken of an odd and an even number.
    FlexibleWorkingRequest.objects.create(
        organisation=ours,
        staff=StaffRecord.objects.filter(organisation=ours).earliest("pk"),
        received_on=TODAY - timedelta(days=100),
        change_requested="Earlier finishes.",
        start_from=TODAY,
        status=FlexibleStatus.REFUSED,
        decision_due=TODAY - timedelta(days=40),
        decided_at=datetime.combine(TODAY - timedelta(days=90), datetime.min.time(), LOCAL),
    )
    again = gather(organisation=ours, today=TODAY)["flexible"]
    assert again == flexible_by_sql(ours, TODAY)
    assert again["decided_in_time"] == counts["flexible"]["decided_in_time"] + 1


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_passes_on_a_withdrawn_version_agree_with_plain_sql(seed, monkeypatch):
    """Carer Aware moves to version 2 and withdraws version 1: only passes on 2 count."""
    ours, _theirs = organisations(seed)
    rng = random.Random(seed)
    for progress in ModuleProgress.objects.filter(organisation=ours, module="carer-aware"):
        if rng.random() < 0.5:
            ModuleProgress.objects.filter(pk=progress.pk).update(module_version=2)
    newer = replace(modules()["carer-aware"], version=2, withdrawn={1: "it gave a wrong date."})
    monkeypatch.setattr(
        learning_public,
        "find_module",
        lambda **kw: newer if kw["slug"] == "carer-aware" else find_module(**kw),
    )
    counts = gather(organisation=ours, today=TODAY)
    assert counts["training"]["carer_aware"] == training_by_sql(
        ours, "carer-aware", managers=False, withdrawn=frozenset({1})
    )
    assert counts["training"]["carer_aware"]["passed"] > 0
    assert counts["training"]["carer_aware"] != training_by_sql(ours, "carer-aware", managers=False)
    assert counts["training"]["managers_module"] == training_by_sql(
        ours, "supporting-carers", managers=True
    )
