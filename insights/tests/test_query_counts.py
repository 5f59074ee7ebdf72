"""Insight's cost does not grow with the data: once the month's figures are taken, the
organisation's figures page and the partnership's page make as many queries for two
organisations of a few staff as for eight of many, and taking a month's figures costs the
same number of queries for a small organisation as for a larger one. (How fast they are is
measured in ``make bench``, never here.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.counts import gather
from insights.models import Snapshot
from insights.services import month_of, take_all_snapshots, take_snapshot
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DependantsTimeOff,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from organisations.models import Organisation, StaffRecord
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory
from passports.models import CarerDeclaration

pytestmark = pytest.mark.django_db


def populate(organisation: Organisation, staff: int) -> None:
    """``staff`` people over two units, one in seven a counted carer, some of whom took
    carer's leave, time off for dependants or asked to work flexibly this year."""
    today = timezone.localdate()
    site = UnitFactory.create(organisation=organisation)
    units = [site, UnitFactory.create(organisation=organisation, parent=site)]
    records: list[StaffRecord] = []
    for index in range(staff):
        records.append(
            StaffRecordFactory.create(
                organisation=organisation,
                unit=units[index % 2],
                hours_per_week=Decimal("20") if index % 3 else Decimal("37.5"),
            )
        )
    for record in records[::7]:
        CarerDeclaration.objects.create(staff=record, include_in_counts=True)
        leave = CarersLeaveRequest.objects.create(
            organisation=organisation,
            staff=record,
            notice_given_on=today - timedelta(days=30),
            status=RequestStatus.ACCEPTED,
        )
        CarersLeaveDay.objects.create(request=leave, day=today - timedelta(days=20))
        DependantsTimeOff.objects.create(
            organisation=organisation,
            staff=record,
            first_day=today - timedelta(days=10),
            days=Decimal("1"),
        )
        FlexibleWorkingRequest.objects.create(
            organisation=organisation,
            staff=record,
            received_on=today - timedelta(days=40),
            change_requested="Later starts.",
            start_from=today,
            decision_due=today + timedelta(days=20),
            status=FlexibleStatus.APPROVED,
            decided_at=timezone.now() - timedelta(days=5),
        )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_queries(world) -> dict[str, int]:
    """Every organisation's month taken afresh, then the queries of each insight page (after
    a first request, which does a session's one-off work)."""
    Snapshot.objects.filter(month=month_of(timezone.localdate())).delete()
    take_all_snapshots()
    pages = {
        "figures": (
            world.hr_admin,
            reverse("insights:figures", kwargs={"org_slug": world.org.slug}),
        ),
        "partnership": (
            world.lead,
            reverse("insights:partnership", kwargs={"slug": world.partnership.slug}),
        ),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client = signed_in(user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        # The month exists: the page reads it and never takes it.
        assert not [q for q in captured if "INSERT" in q["sql"]], name
        counts[name] = len(captured)
    return counts


def test_the_pages_cost_the_same_whatever_the_size(world):
    populate(world.org, 10)
    small = page_queries(world)
    assert Organisation.objects.filter(partnership=world.partnership).count() == 2

    populate(world.org, 50)
    populate(world.other_org, 60)
    for _ in range(6):
        populate(OrganisationFactory.create(partnership=world.partnership), 60)
    larger = page_queries(world)
    assert Organisation.objects.filter(partnership=world.partnership).count() == 8
    assert Snapshot.objects.get(organisation=world.org).counts["staff"] > 60

    assert small == larger


def test_taking_a_month_costs_the_same_whatever_the_size(world):
    today = timezone.localdate()
    little = OrganisationFactory.create(partnership=world.partnership)
    big = OrganisationFactory.create(partnership=world.partnership)
    populate(little, 10)
    populate(big, 60)

    queries = {}
    for organisation in (little, big):
        with CaptureQueriesContext(connection) as gathered:
            counts = gather(organisation=organisation, today=today)
        with CaptureQueriesContext(connection) as taken:
            take_snapshot(organisation=organisation, today=today)
        queries[organisation.pk] = (len(gathered), len(taken))
        assert counts["staff"] == StaffRecord.objects.filter(organisation=organisation).count()
        assert counts["leave"]["carers_leave_people"] == counts["carers"]

    assert queries[little.pk] == queries[big.pk]
