"""The small-number method against the database: exact counts (people in post and carers by
unit, site and hours band; agreed passports by review) that agree with plain SQL on generated
staff lists, a month's report that is the same whatever day it is read, and pages
and exports that never carry a count from 1 to 4.

Populations are made from a seeded random generator rather than Hypothesis, so that these
tests stay quick. The API does not show figures yet; when it does, its responses belong in
``test_every_surface_is_free_of_small_counts`` too.
"""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from insights import exports
from insights.counts import gather
from insights.figures import organisation_report
from insights.services import take_snapshot
from insights.tests.test_disclosure_properties import small_count
from organisations.models import Organisation, StaffRecord, StaffStatus, Unit
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory
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


@pytest.mark.parametrize("seed", SEEDS)
def test_every_surface_is_free_of_small_counts(world, seed):
    population(world.org, seed)
    population(world.other_org, seed + 50)
    # A partnership shows figures once three members have them.
    third = OrganisationFactory.create(partnership=world.partnership, slug="third", name="Third")
    population(third, seed + 100)
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
