"""The small-number method against the database: exact counts (people in post and carers by
unit, site and hours band; agreed passports by review) that agree with plain SQL on generated
staff lists, a month's report that is the same whatever day it is read, and pages, exports,
the API's responses and the board report that never carry a count from 1 to 4.

Populations (``population``) and what their people do (``activity``: leave, flexible
working, training, the carer network) are made from a seeded random generator rather than
Hypothesis, so that these tests stay quick. ``test_counts_sql`` checks the figures of that
activity against plain SQL.
"""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from insights import exports
from insights.counts import gather
from insights.figures import organisation_report
from insights.services import take_snapshot
from insights.tests.test_api import token_client
from insights.tests.test_board_report import pdf_text
from insights.tests.test_disclosure_properties import small_count
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
from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from networks.models import Meeting, MeetingKind, Network, NetworkMember
from organisations.models import Membership, Organisation, Role, StaffRecord, StaffStatus, Unit
from organisations.tests.factories import (
    OrganisationFactory,
    StaffRecordFactory,
    UnitFactory,
    UserFactory,
)
from passports.models import AgreedVersion, CarerDeclaration, Passport

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 6)
SEEDS = [1, 2, 3]
HOURS = ["7.5", "15.99", "16", "22.5", "29.99", "30", "37.5"]


def population(org: Organisation, seed: int) -> None:
    """Sites, units under them (some two levels down), and people in post and not, some of
    them counted carers, some carers who chose not to be counted: many small groups."""
    rng = random.Random(seed)
    sites = [
        UnitFactory.create(organisation=org, code=f"S{seed}-{i}", name=f"Site {seed}-{i}")
        for i in range(rng.randint(1, 3))
    ]
    units: list[Unit | None] = list(sites)
    for i in range(rng.randint(2, 6)):
        parent = rng.choice([u for u in units if u is not None])
        units.append(
            UnitFactory.create(
                organisation=org, code=f"U{seed}-{i}", name=f"Unit {seed}-{i}", parent=parent
            )
        )
    units.append(None)
    for unit in units:
        for _person in range(rng.choice([0, 1, 2, 3, 5, 8, 13])):
            record = StaffRecordFactory.create(
                organisation=org,
                unit=unit,
                hours_per_week=Decimal(rng.choice(HOURS)),
                status=StaffStatus.LEFT if rng.random() < 0.1 else StaffStatus.ACTIVE,
            )
            roll = rng.random()
            if roll < 0.45:
                CarerDeclaration.objects.create(staff=record, include_in_counts=True)
            elif roll < 0.55:
                CarerDeclaration.objects.create(staff=record, include_in_counts=False)
            else:
                continue
            if rng.random() < 0.6:
                passport(record, rng)


def passport(record: StaffRecord, rng: random.Random) -> None:
    """A passport, agreed or still a draft, with its review to come, overdue or unset."""
    made = Passport.objects.create(
        staff=record,
        next_review_on=rng.choice([None, date(2026, 6, 1), TODAY, date(2027, 3, 1)]),
    )
    if rng.random() < 0.7:
        moment = timezone.now()
        AgreedVersion.objects.create(
            passport=made,
            number=1,
            draft_version=1,
            agreed_at=moment,
            carer_signed_at=moment,
            manager_signed_at=moment,
            manager_name="A manager",
            content={},
        )


#: The flows are counted over the 365 days to the day the figures are taken (docs/insight.md).
YEAR = 365
LOCAL = ZoneInfo(settings.TIME_ZONE)
#: Times of day on the organisation's clock: just after midnight is still the day before in
#: UTC while British Summer Time is on.
TIMES = (time(0, 10), time(12, 0), time(23, 50))
DECIDED = (FlexibleStatus.APPROVED, FlexibleStatus.APPROVED_WITH_CHANGES, FlexibleStatus.REFUSED)
REASONS = [key for key, _label in FLEXIBLE_WORKING_REFUSAL_REASONS]


def around(today: date, rng: random.Random) -> date:
    """A day in or out of the year to ``today``: each edge of it, the day either side of
    each edge, and days well inside and well outside."""
    since = today - timedelta(days=YEAR)
    return rng.choice(
        [
            since - timedelta(days=rng.randint(2, 300)),
            since - timedelta(days=1),
            since,
            since + timedelta(days=1),
            since + timedelta(days=rng.randint(2, YEAR - 2)),
            since + timedelta(days=rng.randint(2, YEAR - 2)),
            today - timedelta(days=1),
            today,
            today + timedelta(days=1),
            today + timedelta(days=rng.randint(2, 90)),
        ]
    )


def local(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, rng.choice(TIMES), tzinfo=LOCAL)


def activity(
    org: Organisation, seed: int, today: date = TODAY, *, own_network: bool = True
) -> None:
    """What the people of ``population`` (in post or not) do around the year to ``today``:
    accounts here, line management, carer's leave in every status with whole and half days,
    time off for dependants, flexible-working requests in every status and every kind of
    decision, training passed or only started, and the organisation's carer network (unless
    ``own_network`` is false) with its members and meetings. Every kind of case is made at
    least once; how many, and whose, is up to the seed."""
    rng = random.Random(seed * 7919 + 1)
    records = list(StaffRecord.objects.filter(organisation=org).order_by("pk"))
    for record in records:
        if record.user_id is None and rng.random() < 0.7:
            record.user = UserFactory.create()
            record.save(update_fields=["user"])
            Membership.objects.create(user=record.user, organisation=org, role=Role.EMPLOYEE)
    # Managers, some of whom or of whose reports have left; and two in post for certain, one
    # who passed each module and one who only started them.
    in_post = [r for r in records if r.status == StaffStatus.ACTIVE and r.user_id is not None]
    sure = rng.sample(in_post, 2)
    managers = sure + rng.sample(records, min(len(records), rng.randint(2, 6)))
    for manager in managers:
        reports = rng.sample(records, min(len(records), rng.randint(1, 3)))
        if manager in sure:
            reports.append(rng.choice([r for r in in_post if r not in sure]))
        for report in reports:
            if report.pk != manager.pk:
                report.line_manager = manager
                report.save(update_fields=["line_manager"])
    for record in records:
        if record in sure:
            for module in ("carer-aware", "supporting-carers"):
                take_module(record, module, rng, passed=record == sure[0])
        elif record.user_id is not None:
            take_module(record, "carer-aware", rng)
            # The managers' module, and now and then someone who manages nobody.
            if record in managers or rng.random() < 0.2:
                take_module(record, "supporting-carers", rng)

    since = today - timedelta(days=YEAR)
    # The edges of the year: the day before it begins is out, its last day is in.
    edges = [(since, DayPart.FULL), (since + timedelta(days=1), DayPart.MORNING)]
    edges += [(today, DayPart.AFTERNOON), (today + timedelta(days=1), DayPart.FULL)]
    carers_leave(rng.choice(records), rng, today, RequestStatus.ACCEPTED, days=set(edges))
    for status in RequestStatus.values:
        for _ in range(rng.randint(2, 6)):
            carers_leave(rng.choice(records), rng, today, status)
    # Someone off twice in the year, and the edges of the year.
    twice = rng.choice(records)
    off = [
        (twice, since + timedelta(days=rng.randint(1, 180))),
        (twice, today - timedelta(days=rng.randint(0, 180))),
    ]
    for day in [since, since + timedelta(days=1), today, today + timedelta(days=1)] + [
        around(today, rng) for _ in range(rng.randint(4, 12))
    ]:
        off += [(record, day) for record in rng.sample(records, rng.choice([1, 1, 2]))]
    for record, day in off:
        DependantsTimeOff.objects.create(
            organisation=org,
            staff=record,
            first_day=day,
            days=Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"])),
        )

    for status in FlexibleStatus.values:
        for _ in range(rng.randint(2, 5)):
            flexible_request(rng.choice(records), rng, around(today, rng), status)
    for received in (since, since + timedelta(days=1), today, today + timedelta(days=1)):
        flexible_request(rng.choice(records), rng, received, rng.choice(FlexibleStatus.values))
    # Received in the year: decided on the deadline and the day after it, by the
    # organisation's clock, with and without an extension, and one with no date kept; a
    # refusal giving a reason twice.
    for when in ("due", "after due", "within extension", "after extension", None):
        received = since + timedelta(days=rng.randint(1, YEAR))
        flexible_request(rng.choice(records), rng, received, rng.choice(DECIDED), when=when)
    flexible_request(
        rng.choice(records),
        rng,
        since + timedelta(days=rng.randint(1, YEAR)),
        FlexibleStatus.REFUSED,
        reasons=[REASONS[0], REASONS[1], REASONS[0]],
    )
    # A deadline in British Summer Time, decided ten minutes into the next day: late, though
    # in UTC it is still the deadline's day.
    summer = date(today.year, 5, 1)
    summer = summer if summer <= today else summer.replace(year=today.year - 1)
    flexible_request(
        rng.choice(records), rng, summer, rng.choice(DECIDED), when="after due", at=time(0, 10)
    )

    if own_network:
        network = Network.objects.create(organisation=org, name="Carers together", about="Ours.")
        members = Membership.objects.filter(organisation=org).values_list("user_id", flat=True)
        for user_id in sorted(set(members)):
            if rng.random() < 0.5:
                NetworkMember.objects.create(network=network, user_id=user_id)
        for day in [since, since + timedelta(days=1), today, today + timedelta(days=1)] + [
            around(today, rng) for _ in range(rng.randint(6, 14))
        ]:
            Meeting.objects.create(
                network=network,
                title="Coffee",
                kind=MeetingKind.COFFEE,
                starts_at=local(day, rng),
                minutes=30,
                cancelled_at=timezone.now() if rng.random() < 0.15 else None,
            )


def take_module(
    record: StaffRecord, module: str, rng: random.Random, *, passed: bool | None = None
) -> None:
    """Passed ``module``, only started it, or (left to chance) perhaps neither."""
    roll = rng.random()
    if passed is None and roll >= 0.75:
        return
    assert record.user is not None
    ModuleProgress.objects.create(
        organisation=record.organisation,
        user=record.user,
        module=module,
        module_version=1,
        completed_at=timezone.now() if (roll < 0.5 if passed is None else passed) else None,
    )


def carers_leave(
    record: StaffRecord,
    rng: random.Random,
    today: date,
    status: str,
    *,
    days: set[tuple[date, str]] | None = None,
) -> None:
    """A request for ``days``, or for a few days whole or half in and out of the year."""
    if days is None:
        days = {
            (around(today, rng), rng.choice(DayPart.values)) for _day in range(rng.randint(1, 4))
        }
    request = CarersLeaveRequest.objects.create(
        organisation=record.organisation,
        staff=record,
        notice_given_on=min(day for day, _part in days) - timedelta(days=14),
        status=status,
    )
    for day, part in days:
        CarersLeaveDay.objects.create(request=request, day=day, part=part)


def flexible_request(
    record: StaffRecord,
    rng: random.Random,
    received: date,
    status: str,
    *,
    when: str | None = "any",
    at: time | None = None,
    reasons: list[str] | None = None,
) -> None:
    """A request received on ``received``. A decided one, or one appealed after its first
    decision, was decided ``when``: before its deadline, on it or the day after, within an
    extension the employee agreed or after it, or (None) with no date kept; at the time of
    day ``at``, or any. A refused one gives ``reasons``, or one or more statutory reasons,
    perhaps one twice, perhaps none, and now and then one the statute no longer names."""
    # Two months, give or take the length of the months.
    due = received + timedelta(days=rng.randint(59, 62))
    if when == "any":
        when = rng.choice(["before due", "due", "after due", "within extension", "later"])
        if status in DECIDED and rng.random() < 0.05:
            when = None
    extension = None
    if when in ("within extension", "after extension") or (at is None and rng.random() < 0.2):
        extension = due + timedelta(days=rng.randint(7, 40))
    decided_on = {
        "before due": received + timedelta(days=rng.randint(0, 60)),
        "due": due,
        "after due": due + timedelta(days=1),
        "within extension": extension,
        "after extension": extension + timedelta(days=1) if extension else None,
        "later": due + timedelta(days=rng.randint(2, 60)),
    }.get(when or "")
    decided = status in DECIDED or status == FlexibleStatus.APPEALED
    if reasons is None:
        reasons = []
        if status in (FlexibleStatus.REFUSED, FlexibleStatus.APPEALED) or rng.random() < 0.05:
            reasons = rng.sample(REASONS, rng.choice([0, 1, 1, 2, 3]))
            if reasons and rng.random() < 0.3:
                reasons.append(rng.choice(reasons))
            if rng.random() < 0.1:
                reasons.append("no_longer_in_the_statute")
    FlexibleWorkingRequest.objects.create(
        organisation=record.organisation,
        staff=record,
        received_on=received,
        change_requested="Later starts.",
        start_from=received + timedelta(days=90),
        status=status,
        decision_due=due,
        extension_agreed_to=extension,
        refusal_reasons=reasons,
        decided_at=(
            datetime.combine(decided_on, at or rng.choice(TIMES), tzinfo=LOCAL)
            if decided and decided_on
            else None
        ),
    )


def counts_by_sql(org: Organisation) -> tuple[dict[int | None, dict[str, Any]], dict[str, Any]]:
    """Staff in post and counted carers by unit (with its site) and by hours band, straight
    from the tables."""
    staff = StaffRecord._meta.db_table
    declarations = CarerDeclaration._meta.db_table
    unit_table = Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, parent_id FROM {unit_table} WHERE organisation_id = %s",  # noqa: S608
            [org.pk],
        )
        parents = dict(cursor.fetchall())
        cursor.execute(
            f"""
            SELECT s.unit_id,
                   CASE WHEN s.hours_per_week >= 30 THEN '30_or_more'
                        WHEN s.hours_per_week >= 16 THEN '16_to_29'
                        ELSE 'under_16' END AS band,
                   COUNT(*),
                   SUM(CASE WHEN d.include_in_counts THEN 1 ELSE 0 END)
            FROM {staff} s LEFT JOIN {declarations} d ON d.staff_id = s.id
            WHERE s.organisation_id = %s AND s.status = %s
            GROUP BY s.unit_id, band
            """,  # noqa: S608
            [org.pk, StaffStatus.ACTIVE.value],
        )
        rows = cursor.fetchall()

    def site(unit: int | None) -> int | None:
        while unit is not None and parents.get(unit) is not None:
            unit = parents[unit]
        return unit

    units: dict[int | None, dict[str, Any]] = {}
    bands = {key: {"staff": 0, "carers": 0} for key in ("under_16", "16_to_29", "30_or_more")}
    for unit, band, people, carers in rows:
        mine = units.setdefault(unit, {"site": site(unit), "staff": 0, "carers": 0})
        mine["staff"] += people
        mine["carers"] += int(carers or 0)
        bands[band]["staff"] += people
        bands[band]["carers"] += int(carers or 0)
    return units, bands


def passports_by_sql(org: Organisation, today: date) -> dict[str, int]:
    """Agreed passports of counted carers in post, by review date, straight from the tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*),
                   SUM(CASE WHEN p.next_review_on >= %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.next_review_on < %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.next_review_on IS NULL THEN 1 ELSE 0 END)
            FROM {Passport._meta.db_table} p
            JOIN {StaffRecord._meta.db_table} s ON s.id = p.staff_id
            JOIN {CarerDeclaration._meta.db_table} d ON d.staff_id = s.id
            WHERE s.organisation_id = %s AND s.status = %s AND d.include_in_counts = %s
              AND EXISTS (
                SELECT 1 FROM {AgreedVersion._meta.db_table} a WHERE a.passport_id = p.id
              )
            """,  # noqa: S608
            [today, today, org.pk, StaffStatus.ACTIVE.value, True],
        )
        agreed, on_time, overdue, unset = cursor.fetchone()
    return {
        "agreed": agreed,
        "review_on_time": int(on_time or 0),
        "review_overdue": int(overdue or 0),
        "no_review_date": int(unset or 0),
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_gathered_counts_agree_with_plain_sql(seed):
    org = OrganisationFactory.create()
    OrganisationFactory.create()  # another organisation's people are never counted
    population(org, seed)
    population(Organisation.objects.exclude(pk=org.pk).get(), seed + 100)
    counts = gather(organisation=org, today=TODAY)
    units, bands = counts_by_sql(org)
    assert {
        u["id"]: {"site": u["site"], "staff": u["staff"], "carers": u["carers"]}
        for u in counts["units"]
    } == units
    assert counts["bands"] == bands
    assert counts["staff"] == sum(u["staff"] for u in units.values())
    assert counts["carers"] == sum(u["carers"] for u in units.values())
    assert counts["carers"] > 0
    assert counts["passports"] == passports_by_sql(org, TODAY)
    assert counts["passports"]["agreed"] > 0


def test_a_months_report_is_the_same_whatever_day_it_is_read(world):
    """Figures taken on the 6th, people join, leave and declare, and the report read on the
    28th is the same report: two days of one month cannot be set side by side."""
    population(world.org, 7)
    first = organisation_report(organisation=world.org, today=TODAY)
    for joined in StaffRecordFactory.create_batch(
        2, organisation=world.org, hours_per_week=Decimal("20")
    ):
        CarerDeclaration.objects.create(staff=joined, include_in_counts=True)
    left = CarerDeclaration.objects.filter(
        staff__organisation=world.org, include_in_counts=True
    ).first()
    assert left is not None
    StaffRecord.objects.filter(pk=left.staff_id).update(status=StaffStatus.LEFT)
    CarerDeclaration.objects.filter(include_in_counts=False).update(include_in_counts=True)

    later = organisation_report(organisation=world.org, today=date(2026, 12, 28))
    assert later == first
    assert exports.dataset(later).export("csv") == exports.dataset(first).export("csv")
    this_month = take_snapshot(organisation=world.org, today=date(2026, 12, 31))
    next_month = take_snapshot(organisation=world.org, today=date(2027, 1, 2))
    assert next_month.counts["carers"] > this_month.counts["carers"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FIGURE = re.compile(r'data-figure="[^"]*">([^<]*)<')
NUMERIC_CELL = re.compile(r'govuk-table__cell--numeric"[^>]*>([^<]*)<')
CHART_TEXT = re.compile(r'class="app-chart__(?:value|month-value)">([^<]*)<')


def shown_on(html: str) -> list[str]:
    out = FIGURE.findall(html) + NUMERIC_CELL.findall(html) + CHART_TEXT.findall(html)
    return [text.strip() for text in out]


API_PATHS = ("", "/units", "/sites", "/hours", "/months")


def figures_in(body: Any) -> list[dict[str, Any]]:
    """Every figure anywhere in an API response: an object with a value and its words."""
    if isinstance(body, dict):
        found = [body] if {"value", "label", "hidden"} <= set(body) else []
        return found + [figure for item in body.values() for figure in figures_in(item)]
    if isinstance(body, list):
        return [figure for item in body for figure in figures_in(item)]
    return []


@pytest.mark.parametrize("seed", SEEDS)
def test_every_surface_is_free_of_small_counts(world, seed):
    # A partnership shows figures once three members have them.
    third = OrganisationFactory.create(partnership=world.partnership, slug="third", name="Third")
    for org, own_seed in ((world.org, seed), (world.other_org, seed + 50), (third, seed + 100)):
        population(org, own_seed)
        activity(org, own_seed, timezone.localdate())
    hr = signed_in(world.hr_admin)
    page = hr.get(reverse("insights:figures", kwargs={"org_slug": world.org.slug})).content
    html = page.decode()
    texts = shown_on(html)
    assert len(texts) > 10
    assert "fewer than 5" in html or "not shown" in html
    assert not [text for text in texts if small_count(text)], texts

    home = hr.get(reverse("organisations:home", kwargs={"org_slug": world.org.slug}))
    home_texts = FIGURE.findall(home.content.decode())
    assert home_texts
    assert not [text for text in home_texts if small_count(text)]

    lead = signed_in(world.lead).get(
        reverse("insights:partnership", kwargs={"slug": world.partnership.slug})
    )
    lead_texts = shown_on(lead.content.decode())
    assert lead_texts
    assert not [text for text in lead_texts if small_count(text)], lead_texts

    exported = hr.get(
        reverse("insights:export", kwargs={"org_slug": world.org.slug, "kind": "csv"})
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert len(rows) > 10
    assert not [cell for row in rows for cell in row if small_count(cell)]

    sheet = hr.get(reverse("insights:export", kwargs={"org_slug": world.org.slug, "kind": "xlsx"}))
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    cells = [
        str(value)
        for worksheet in book.worksheets
        for row in worksheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert len(cells) > 40
    assert not [cell for cell in cells if small_count(cell)]
    assert [row[2] for row in rows[1:]] == [
        str(row[2]) for row in list(book.worksheets[0].iter_rows(values_only=True))[1:]
    ]

    api = token_client(world.hr_admin, world.org)
    bodies = [api.get(f"/api/v1/insights/figures{path}") for path in API_PATHS]
    assert [body.status_code for body in bodies] == [200] * len(API_PATHS)
    figures = [figure for body in bodies for figure in figures_in(body.json())]
    assert len(figures) > 40
    said = [str(figure["value"]) for figure in figures] + [figure["label"] for figure in figures]
    assert not [text for text in said if small_count(text)], said

    board = hr.get(reverse("insights:board_report", kwargs={"org_slug": world.org.slug}))
    lines = [line.strip() for line in pdf_text(board.content).splitlines()]
    assert "Other figures" in lines
    # A table row comes out as one line; laid out as printed, its cells stand apart by wide
    # gaps, so each cell is read on its own (a unit called "Ward 1" is not a count of 1).
    cells = [
        cell
        for page in PdfReader(io.BytesIO(board.content)).pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
        for cell in re.split(r"\s{2,}", line.strip())
    ]
    assert len([cell for cell in cells if cell.isdigit()]) > 20
    assert not [cell for cell in cells if small_count(cell)], cells
