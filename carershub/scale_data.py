"""Synthetic, national-size data for ``make bench``.

Organisations with unit trees, management chains 4 to 7 levels deep, about one in five
staff a declared carer with a passport in every state (private draft, shared draft,
agreed, agreed with an overdue review), conversation notes and audit events, and some
of the carers' leave, time off for dependants and flexible-working requests over the
past year, so that insight's monthly figures have something to count. The same
seed gives the same data. Everything goes in through ``bulk_create`` in batches, level by
level, so 1.5 million staff is minutes on PostgreSQL, never one object at a time.

Nobody here can sign in except the few bench users ``bench_people`` returns.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from audit.models import Action, AuditEvent, Channel
from leave.hooks import WAITING_LISTED
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DayPart,
    DependantsTimeOff,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from organisations.models import (
    Membership,
    Nation,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    Sector,
    SizeBand,
    StaffRecord,
    StaffStatus,
    Unit,
)
from passports.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    AgreedVersion,
    CarerDeclaration,
    Conversation,
    HoursBand,
    NeedKind,
    Passport,
    PassportShare,
    Relationship,
)

PARTNERSHIP_SLUG = "scale"
#: Changes whenever the generator makes different data, so `make bench` rebuilds a stale
#: data set rather than comparing runs on different data (bench/run.py checks the name).
PARTNERSHIP_NAME = "Scale partnership (data version 3)"
EMAIL_DOMAIN = "scale.carershub.test"
BATCH = 5000
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - synthetic data only
CARER_SHARE = 0.2
FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Pat",
    "Robin",
    "Kim",
    "Lee",
    "Ash",
    "Jamie",
    "Morgan",
    "Rae",
]
# Surnames from two parts, about 1,600 of them, so a name search is as selective as a real one.
_STEMS = [
    "Ash",
    "Black",
    "Brad",
    "Card",
    "Dun",
    "Elm",
    "Fair",
    "Green",
    "Hal",
    "Hart",
    "Kings",
    "Lang",
    "Mar",
    "Mill",
    "New",
    "Nor",
    "Old",
    "Pen",
    "Red",
    "Rich",
    "Shaw",
    "Stan",
    "Thorn",
    "West",
    "White",
    "Wood",
    "Ald",
    "Bram",
    "Crom",
    "Dal",
    "Ever",
    "Fal",
    "Gold",
    "Hay",
    "Lin",
    "Mor",
    "Pick",
    "Ross",
    "Sut",
    "Wal",
]
_ENDS = [
    "ley",
    "ford",
    "ton",
    "by",
    "well",
    "wood",
    "field",
    "ham",
    "worth",
    "more",
    "dale",
    "cott",
    "bridge",
    "stone",
    "hurst",
    "combe",
    "land",
    "ridge",
    "wick",
    "mere",
    "ing",
    "low",
    "over",
    "brook",
    "shaw",
    "den",
    "holt",
    "ett",
    "win",
    "son",
    "man",
    "ward",
    "lock",
    "fold",
    "gate",
    "hill",
    "lake",
    "moor",
    "wright",
    "smith",
]
LAST = [stem + end for stem in _STEMS for end in _ENDS]


@dataclass
class ScaleReport:
    organisations: int = 0
    units: int = 0
    staff: int = 0
    carers: int = 0
    passports_by_state: dict[str, int] = field(default_factory=dict)
    max_chain_depth: int = 0
    min_chain_depth: int = 0
    audit_events: int = 0


def organisation_sizes(staff: int, organisations: int, rng: random.Random) -> list[int]:
    """A skewed split, like NHS trusts: a few large employers and many middling ones."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(organisations)]
    total = sum(weights)
    sizes = [max(1, int(staff * w / total)) for w in weights]
    sizes[0] += staff - sum(sizes)  # the rounding goes to the first, which keeps sum exact
    return sizes


def chain_depth(size: int) -> int:
    """4 levels for a small employer up to 7 for a national-size trust."""
    return max(4, min(7, 3 + round(math.log10(max(size, 10)))))


def level_sizes(size: int, depth: int) -> list[int]:
    """How many people at each management level, one at the top, growing geometrically."""
    if size <= depth:
        return [1] * size
    ratio = size ** (1 / (depth - 1))
    levels = [max(1, round(ratio**k)) for k in range(depth)]
    levels[-1] = max(1, size - sum(levels[:-1]))
    while sum(levels) > size:  # small organisations: trim the middle levels
        index = max(range(1, depth - 1), key=lambda i: levels[i])
        levels[index] -= 1
    return levels


def _batched(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model: type[Any], objects: list[Any]) -> list[Any]:
    created: list[Any] = []
    for chunk in _batched(objects):
        created.extend(model.objects.bulk_create(chunk))
    return created


def _units(organisation: Organisation, size: int, rng: random.Random) -> list[Unit]:
    """Directorates, then departments under each, then wards or teams: about 40 staff a unit."""
    leaves_wanted = max(1, size // 40)
    directorates = max(1, min(12, round(leaves_wanted ** (1 / 3))))
    per_directorate = max(1, round(math.sqrt(leaves_wanted / directorates)))
    top = _bulk(
        Unit,
        [
            Unit(organisation=organisation, code=f"D{d}", name=f"Directorate {d}")
            for d in range(directorates)
        ],
    )
    middle = _bulk(
        Unit,
        [
            Unit(organisation=organisation, code=f"D{d}-{m}", name=f"Department {d}.{m}", parent=t)
            for d, t in enumerate(top)
            for m in range(per_directorate)
        ],
    )
    per_department = max(1, leaves_wanted // max(1, len(middle)))
    leaves = _bulk(
        Unit,
        [
            Unit(
                organisation=organisation,
                code=f"{p.code}-{w}",
                name=f"Team {p.code}-{w}",
                parent=p,
            )
            for p in middle
            for w in range(per_department)
        ],
    )
    return leaves or middle or top


def _staff(
    organisation: Organisation, size: int, units: list[Unit], rng: random.Random, prefix: str
) -> tuple[list[StaffRecord], int]:
    depth = chain_depth(size)
    levels = level_sizes(size, depth)
    everyone: list[StaffRecord] = []
    previous: list[StaffRecord] = []
    number = 0
    start = date(2010, 1, 1)
    for count in levels:
        batch = []
        for _ in range(count):
            number += 1
            part_time = rng.random() < 0.3
            batch.append(
                StaffRecord(
                    organisation=organisation,
                    staff_number=f"{prefix}{number:07d}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    work_email=f"{prefix.lower()}{number}@{EMAIL_DOMAIN}",
                    unit=rng.choice(units),
                    line_manager=rng.choice(previous) if previous else None,
                    days_per_week=Decimal("3.0") if part_time else Decimal("5.0"),
                    hours_per_week=Decimal("22.50") if part_time else Decimal("37.50"),
                    start_date=start + timedelta(days=rng.randrange(5000)),
                    status=StaffStatus.ACTIVE,
                )
            )
        previous = _bulk(StaffRecord, batch)
        everyone.extend(previous)
    return everyone, len(levels)


PASSPORT_STATES = ("private_draft", "shared_draft", "agreed", "review_overdue")


def _carers(
    organisation: Organisation, staff: list[StaffRecord], rng: random.Random, report: ScaleReport
) -> None:
    """Declarations, passports in every state, adjustments, notes and audit events."""
    today = timezone.localdate()
    now = timezone.now()
    chosen = [s for s in staff if s.line_manager_id is not None and rng.random() < CARER_SHARE]
    if not chosen:
        return
    unusable = make_password(None)
    users = _bulk(
        User,
        [
            User(email=f"carer.{s.staff_number.lower()}@{EMAIL_DOMAIN}", password=unusable)
            for s in chosen
        ],
    )
    for record, user in zip(chosen, users, strict=True):
        record.user = user
    for chunk in _batched(chosen):
        StaffRecord.objects.bulk_update(chunk, ["user"])
    _bulk(
        Membership,
        [Membership(user=u, organisation=organisation, role=Role.EMPLOYEE) for u in users],
    )
    _bulk(
        CarerDeclaration,
        [
            CarerDeclaration(
                staff=s,
                relationship=rng.choice(Relationship.values),
                need_kinds=[rng.choice(NeedKind.values)],
                hours_band=rng.choice(HoursBand.values),
                record_on_staff_record=rng.random() < 0.4,
                include_in_counts=rng.random() < 0.9,
            )
            for s in chosen
        ],
    )
    states = [PASSPORT_STATES[i % len(PASSPORT_STATES)] for i in range(len(chosen))]
    rng.shuffle(states)
    passports = _bulk(
        Passport,
        [
            Passport(
                staff=s,
                about_caring="I support a relative most mornings and some evenings.",
                plan_b_contacts="A neighbour can step in.",
                next_review_on=(
                    today - timedelta(days=rng.randrange(1, 60))
                    if state == "review_overdue"
                    else today + timedelta(days=rng.randrange(30, 360))
                ),
                version=3,
                updated_by=u,
            )
            for s, u, state in zip(chosen, users, states, strict=True)
        ],
    )
    adjustments = []
    for passport, state in zip(passports, states, strict=True):
        for _ in range(rng.randint(1, 3)):
            adjustments.append(
                Adjustment(
                    passport=passport,
                    kind=rng.choice(AdjustmentKind.values[:-1]),
                    details="As discussed.",
                    status=AdjustmentStatus.REQUESTED
                    if state.endswith("draft")
                    else AdjustmentStatus.AGREED,
                )
            )
    _bulk(Adjustment, adjustments)
    shared = [
        (p, s)
        for p, s, state in zip(passports, chosen, states, strict=True)
        if state != "private_draft"
    ]
    _bulk(
        PassportShare,
        [PassportShare(passport=p, with_staff_id=s.line_manager_id or 0) for p, s in shared],
    )
    agreed = [
        p
        for p, state in zip(passports, states, strict=True)
        if state in ("agreed", "review_overdue")
    ]
    _bulk(
        AgreedVersion,
        [
            AgreedVersion(
                passport=p,
                number=1,
                draft_version=p.version,
                agreed_at=now,
                carer_signed_at=now,
                manager_signed_at=now,
                manager_name="Line manager",
                content={"adjustments": [], "about_caring": p.about_caring},
            )
            for p in agreed
        ],
    )
    _bulk(
        Conversation,
        [
            Conversation(
                passport=p,
                held_on=today - timedelta(days=rng.randrange(1, 300)),
                notes="Talked through what helps.",
                recorded_by_name="Line manager",
            )
            for p, _s in shared
            for _ in range(rng.randint(0, 3))
        ],
    )
    events = [
        AuditEvent(
            actor_label="system",
            organisation_id=organisation.pk,
            action=Action.VIEW,
            channel=Channel.WEB,
            object_type="passports.passport",
            object_id=str(p.pk),
            summary="Viewed passport",
        )
        for p in passports
        for _ in range(2)
    ]
    _bulk(AuditEvent, events)
    _leave(organisation, chosen, rng)
    report.carers += len(chosen)
    report.audit_events += len(events)
    for state in states:
        report.passports_by_state[state] = report.passports_by_state.get(state, 0) + 1


#: Among carers, who took carer's leave, time off for dependants, or asked to work flexibly
#: in the past year.
LEAVE_SHARE, DEPENDANTS_SHARE, FLEXIBLE_SHARE = 0.3, 0.1, 0.12
_FLEXIBLE_OUTCOMES = (
    FlexibleStatus.SUBMITTED,
    FlexibleStatus.APPROVED,
    FlexibleStatus.APPROVED,
    FlexibleStatus.APPROVED_WITH_CHANGES,
    FlexibleStatus.REFUSED,
    FlexibleStatus.WITHDRAWN,
)
_REASONS = [code for code, _label in FLEXIBLE_WORKING_REFUSAL_REASONS]


def _leave(organisation: Organisation, carers: list[StaffRecord], rng: random.Random) -> None:
    """Some of the carers' leave, time off and flexible-working requests over the past year."""
    today = timezone.localdate()
    now = timezone.now()
    takers = [s for s in carers if rng.random() < LEAVE_SHARE]
    requests = _bulk(
        CarersLeaveRequest,
        [
            CarersLeaveRequest(
                organisation=organisation,
                staff=s,
                notice_given_on=today - timedelta(days=rng.randrange(20, 360)),
                status=RequestStatus.ACCEPTED if rng.random() < 0.85 else RequestStatus.CANCELLED,
            )
            for s in takers
        ],
    )
    _bulk(
        CarersLeaveDay,
        [
            CarersLeaveDay(
                request=r,
                day=r.notice_given_on + timedelta(days=7 + k),
                part=DayPart.FULL if rng.random() < 0.7 else DayPart.MORNING,
            )
            for r in requests
            for k in range(rng.randint(1, 3))
        ],
    )
    _bulk(
        DependantsTimeOff,
        [
            DependantsTimeOff(
                organisation=organisation,
                staff=s,
                first_day=today - timedelta(days=rng.randrange(1, 360)),
                days=Decimal(rng.choice(("0.5", "1.0", "2.0"))),
            )
            for s in carers
            if rng.random() < DEPENDANTS_SHARE
        ],
    )
    flexible = []
    for s in carers:
        if rng.random() >= FLEXIBLE_SHARE:
            continue
        received = today - timedelta(days=rng.randrange(1, 360))
        status = rng.choice(_FLEXIBLE_OUTCOMES)
        decided = status not in (FlexibleStatus.SUBMITTED, FlexibleStatus.WITHDRAWN)
        flexible.append(
            FlexibleWorkingRequest(
                organisation=organisation,
                staff=s,
                received_on=received,
                change_requested="Start at ten on two days a week.",
                start_from=received + timedelta(days=60),
                status=status,
                decision_due=received + timedelta(days=60),
                refusal_reasons=[rng.choice(_REASONS)] if status == FlexibleStatus.REFUSED else [],
                decided_at=(
                    min(now, now - timedelta(days=(today - received).days - rng.randrange(5, 90)))
                    if decided
                    else None
                ),
            )
        )
    _bulk(FlexibleWorkingRequest, flexible)


def generate_scale_data(*, staff: int, organisations: int, seed: int = 2026) -> ScaleReport:
    """Build the data set. Refuses to run twice: ``scale_data_present`` says if it exists."""
    if Partnership.objects.filter(slug=PARTNERSHIP_SLUG).exists():
        raise ValueError("Scale data already exists in this database")
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    report = ScaleReport(min_chain_depth=99)
    with transaction.atomic():
        partnership = Partnership.objects.create(name=PARTNERSHIP_NAME, slug=PARTNERSHIP_SLUG)
        for index, size in enumerate(organisation_sizes(staff, organisations, rng)):
            organisation = Organisation.objects.create(
                partnership=partnership,
                name=f"Scale Trust {index + 1}",
                slug=f"scale-{index + 1}",
                nation=Nation.ENGLAND,
                sector=Sector.NHS,
                size_band=SizeBand.LARGE if size >= 250 else SizeBand.MEDIUM,
            )
            units = _units(organisation, size, rng)
            records, depth = _staff(organisation, size, units, rng, prefix=f"S{index + 1}-")
            _carers(organisation, records, rng, report)
            report.organisations += 1
            report.units += Unit.objects.filter(organisation=organisation).count()
            report.staff += len(records)
            report.max_chain_depth = max(report.max_chain_depth, depth)
            report.min_chain_depth = min(report.min_chain_depth, depth)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses from empty tables
    return report


def scale_data_present() -> int:
    """How many staff the existing scale data set has (0 when there is none)."""
    return StaffRecord.objects.filter(organisation__partnership__slug=PARTNERSHIP_SLUG).count()


def _waiting_for_hr(organisation: Organisation) -> None:
    """Flexible-working requests for HR to decide (from people whose manager has no account,
    whom HR decides for), one more than HR's home page lists: the page then lists, audits and
    counts the rest at every size, as it would at any real employer, rather than only when
    the random data happens to hold enough, so its queries compare across sizes."""
    heads = StaffRecord.objects.filter(organisation=organisation).filter(
        Q(line_manager__isnull=True) | Q(line_manager__user__isnull=True)
    )
    today = timezone.localdate()
    for head in heads.order_by("pk")[: WAITING_LISTED + 1]:
        FlexibleWorkingRequest.objects.get_or_create(
            organisation=organisation,
            staff=head,
            status=FlexibleStatus.SUBMITTED,
            defaults={
                "received_on": today,
                "change_requested": "Compressed hours over four days.",
                "start_from": today + timedelta(days=60),
                "decision_due": today + timedelta(days=60),
            },
        )


@dataclass(frozen=True)
class BenchPeople:
    """Who the load test signs in as: the largest organisation's people, and the lead of the
    partnership every scale organisation belongs to."""

    organisation: Organisation
    hr: User
    manager: User
    carer: User
    carer_passport: Passport
    partnership: Partnership
    lead: User


def _some_leave(staff: StaffRecord) -> None:
    """The bench carer's leave page lists some of each kind at every size, so that its
    queries (and its work) are the same on the small and the full data set."""
    today = timezone.localdate()
    if not CarersLeaveRequest.objects.filter(staff=staff).exists():
        request = CarersLeaveRequest.objects.create(
            organisation=staff.organisation,
            staff=staff,
            notice_given_on=today - timedelta(days=40),
            status=RequestStatus.ACCEPTED,
        )
        CarersLeaveDay.objects.create(
            request=request, day=request.notice_given_on + timedelta(days=7), part=DayPart.FULL
        )
    if not DependantsTimeOff.objects.filter(staff=staff).exists():
        DependantsTimeOff.objects.create(
            organisation=staff.organisation,
            staff=staff,
            first_day=today - timedelta(days=20),
            days=Decimal("1.0"),
        )


def bench_people(*, password: str) -> BenchPeople:
    """Give the largest organisation an HR admin, and sign-in details to one manager and carer.

    The manager is the one with the most shared passports, so their team page is the
    heaviest; the carer is one of theirs with an agreed passport.
    """
    organisation = (
        Organisation.objects.filter(partnership__slug=PARTNERSHIP_SLUG)
        .annotate(n=Count("staff_records"))
        .order_by("-n")
        .first()
    )
    assert organisation is not None, "generate_scale_data first"
    hashed = make_password(password)
    hr, _ = User.objects.get_or_create(
        email=f"bench.hr@{EMAIL_DOMAIN}", defaults={"password": hashed}
    )
    for role in (Role.EMPLOYEE, Role.HR_ADMIN):
        Membership.objects.get_or_create(user=hr, organisation=organisation, role=role)
    if not Authenticator.objects.filter(user=hr).exists():
        TOTP.activate(hr, BENCH_TOTP_SECRET)  # HR must have a second factor to get past it
    _waiting_for_hr(organisation)
    # The manager with the most agreed passports shared with them; ties go to the lowest id,
    # so every run (and every query plan) picks the same person.
    busiest = (
        PassportShare.objects.filter(
            ended_at__isnull=True,
            with_staff__organisation=organisation,
            passport__agreed_versions__isnull=False,
        )
        .values("with_staff")
        .annotate(n=Count("passport", distinct=True))
        .order_by("-n", "with_staff")
        .first()
    )
    assert busiest is not None
    manager_record = StaffRecord.objects.get(pk=busiest["with_staff"])
    if manager_record.user is None:
        manager_user, _ = User.objects.get_or_create(
            email=f"bench.manager@{EMAIL_DOMAIN}", defaults={"password": hashed}
        )
        manager_record.user = manager_user
        manager_record.save(update_fields=["user"])
        Membership.objects.get_or_create(
            user=manager_user, organisation=organisation, role=Role.EMPLOYEE
        )
    manager = manager_record.user
    assert manager is not None
    passport = (
        Passport.objects.filter(
            shares__with_staff=manager_record,
            shares__ended_at__isnull=True,
            agreed_versions__isnull=False,
        )
        .select_related("staff__user")
        .first()
    )
    assert passport is not None
    assert passport.staff.user is not None
    carer = passport.staff.user
    for user in (manager, carer):
        user.password = hashed
        user.save(update_fields=["password"])
    _some_leave(passport.staff)
    lead, _ = User.objects.get_or_create(
        email=f"bench.lead@{EMAIL_DOMAIN}", defaults={"password": hashed}
    )
    partnership = Partnership.objects.get(slug=PARTNERSHIP_SLUG)
    PartnershipLead.objects.get_or_create(user=lead, partnership=partnership)
    if not Authenticator.objects.filter(user=lead).exists():
        TOTP.activate(lead, BENCH_TOTP_SECRET)  # a lead, like HR, must have a second factor
    return BenchPeople(
        organisation=organisation,
        hr=hr,
        manager=manager,
        carer=carer,
        carer_passport=passport,
        partnership=partnership,
        lead=lead,
    )
