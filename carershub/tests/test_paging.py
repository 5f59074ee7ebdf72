"""Lists that grow with the organisation page without counting every row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import StaffRecord
from shared.paging import countless_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(world) -> None:
    StaffRecord.objects.filter(organisation=world.org).delete()
    for n in range(7):
        StaffRecord.objects.create(organisation=world.org, staff_number=f"P{n}", last_name=f"P{n}")


def records(world):
    return StaffRecord.objects.filter(organisation=world.org).order_by("staff_number")


@pytest.mark.usefixtures("seven")
def test_a_page_knows_its_neighbours_from_one_query_without_a_count(world):
    with CaptureQueriesContext(connection) as queries:
        page = countless_page(records(world), number="2", size=3)
    assert len(queries) == 1
    assert "COUNT" not in queries[0]["sql"].upper()
    assert [r.staff_number for r in page] == ["P3", "P4", "P5"]
    assert page.has_previous
    assert page.has_next
    assert page.next_page_number() == 3
    assert page.previous_page_number() == 1


@pytest.mark.usefixtures("seven")
def test_the_last_page_has_no_next_and_a_page_past_the_end_is_empty(world):
    last = countless_page(records(world), number="3", size=3)
    assert [r.staff_number for r in last] == ["P6"]
    assert not last.has_next
    assert len(countless_page(records(world), number="9", size=3)) == 0


@pytest.mark.usefixtures("seven")
@pytest.mark.parametrize("number", [None, "", "0", "-4", "two", "1.5"])
def test_a_missing_or_odd_page_number_means_the_first_page(world, number):
    page = countless_page(records(world), number=number, size=3)
    assert page.number == 1
    assert not page.has_previous
    assert page.has_other_pages()
