"""A month's figures: taken once, the same all month, made only from exact counts that the
database agrees with, and never showing a count from 1 to 4."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from insights.counts import gather
from insights.disclosure import Group
from insights.figures import organisation_headline, organisation_report, partnership_report
from insights.models import Snapshot
from insights.services import take_snapshot
from organisations.models import StaffRecord, StaffStatus
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory
from passports.models import CarerDeclaration

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 6)


def staff(org, unit, n: int, *, carers: int = 0, hours: str = "37.5", hidden: int = 0):
    """``n`` people in post in ``unit``: ``carers`` counted carers among them and ``hidden``
    carers who chose not to be counted."""
    made = StaffRecordFactory.create_batch(
        n, organisation=org, unit=unit, hours_per_week=Decimal(hours)
    )
    for record in made[:carers]:
        CarerDeclaration.objects.create(staff=record, include_in_counts=True)
    for record in made[carers : carers + hidden]:
        CarerDeclaration.objects.create(staff=record, include_in_counts=False)
    return made


def test_counts_agree_with_the_database(world):
    site = UnitFactory.create(organisation=world.org, code="SITE", name="North site")
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2", parent=site)
    staff(world.org, ward, 12, carers=7, hours="20", hidden=2)
    staff(world.org, site, 6, carers=3)
    counts = gather(organisation=world.org, today=TODAY)
    in_post = StaffRecord.objects.filter(organisation=world.org, status=StaffStatus.ACTIVE)
    assert counts["staff"] == in_post.count()
    assert (
        counts["carers"]
        == CarerDeclaration.objects.filter(staff__in=in_post, include_in_counts=True).count()
    )
    units = {u["name"]: u for u in counts["units"]}
    assert (units["Ward 2"]["carers"], units["Ward 2"]["staff"]) == (7, 12)
    assert units["Ward 2"]["site_name"] == "North site"
    assert counts["bands"]["16_to_29"] == {"staff": 12, "carers": 7}


def test_the_month_is_taken_once(world):
    first = take_snapshot(organisation=world.org, today=TODAY)
    StaffRecordFactory.create_batch(10, organisation=world.org)
    again = take_snapshot(organisation=world.org, today=date(2026, 12, 28))
    assert again.pk == first.pk
    assert again.counts == first.counts
    next_month = take_snapshot(organisation=world.org, today=date(2027, 1, 2))
    assert next_month.counts["staff"] == first.counts["staff"] + 10
    assert Snapshot.objects.filter(organisation=world.org).count() == 2


def test_report_hides_small_counts_and_rounds_the_rest(world):
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2")
    small = UnitFactory.create(organisation=world.org, code="W3", name="Ward 3")
    staff(world.org, ward, 40, carers=12)
    staff(world.org, small, 10, carers=2)
    report = organisation_report(organisation=world.org, today=TODAY)
    rows = {line.label: line.row for line in report.by_unit}
    assert str(rows["Ward 3"].carers) == "fewer than 5"
    # Ward 2 may be shown: Ward 1's few people are hidden too, so the total less Ward 2 is
    # two hidden figures together, and rounding leaves each of them open.
    assert report.carers.carers.value == 15  # 14 rounded to the nearest 5
    assert all(
        line.row.carers.value is None or line.row.carers.value % 5 == 0 for line in report.by_unit
    )


def test_partnership_adds_up_what_members_show(world):
    third = OrganisationFactory.create(partnership=world.partnership, slug="third", name="Third")
    shown = []
    for organisation, carers in ((world.org, 12), (world.other_org, 6), (third, 9)):
        ward = UnitFactory.create(organisation=organisation, code="WX", name="Ward X")
        staff(organisation, ward, 30, carers=carers)
        shown.append(organisation_report(organisation=organisation, today=TODAY).carers.carers)
    report = partnership_report(partnership=world.partnership, today=TODAY)
    assert report is not None
    assert report.organisations == 3
    assert all(figure.value is not None for figure in shown)
    assert report.carers.carers.value == sum(figure.value or 0 for figure in shown)


def test_a_partnership_of_two_shows_no_figures(world):
    """One member's HR could take its own figures away from two members' sum."""
    assert partnership_report(partnership=world.partnership, today=TODAY) is None


def test_the_month_keeps_what_the_protection_decided(world):
    """Pages reapply the decisions the attacker checked, rather than deciding again."""
    ward = UnitFactory.create(organisation=world.org, code="W8", name="Ward 8")
    staff(world.org, ward, 8, carers=7)
    snapshot = take_snapshot(organisation=world.org, today=TODAY)
    assert {"people", "reviews", "outcomes"} <= set(snapshot.suppression)
    report = organisation_report(organisation=world.org, today=TODAY)
    headline = organisation_headline(organisation=world.org, today=TODAY)
    carers = next(line.figure for line in headline.lines if line.key == "carers")
    assert carers == report.carers.carers
    assert not carers.shown  # 7 carers of 12 staff: too few who are not carers


def test_a_member_in_one_hours_band_adds_its_band_as_its_own_report_shows_it():
    """Its report shows the one band as its total: hidden there, hidden in the sum too."""
    from insights.partnership import Member, _members_shown
    from insights.report import build
    from insights.tests.test_disclosure_properties import MONTH, org_counts

    cells = {1: {"under_16": Group(0, 0), "16_to_29": Group(0, 0), "30_or_more": Group(7, 11)}}
    counts = org_counts(cells, {1: 101})
    memo: dict[str, object] = {}
    report = build(counts, month=MONTH, memo=memo)
    bands, whole = _members_shown(Member(counts, memo))
    assert not report.carers.carers.shown
    assert bands["30_or_more"] == whole
    assert not bands["30_or_more"].carers.shown
