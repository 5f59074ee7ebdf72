"""The figures pages, the home page's three figures and the exports: shown to HR, the
sponsor and the partnership lead only, and never a count from 1 to 4."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from insights.tests.test_figures import staff
from organisations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def figures(world):
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2")
    small = UnitFactory.create(organisation=world.org, code="W3", name="Ward 3")
    staff(world.org, ward, 40, carers=12)
    staff(world.org, small, 10, carers=2)
    return world


def test_hr_sees_figures_with_charts_and_tables(figures):
    page = signed_in(figures.hr_admin).get(
        reverse("insights:figures", kwargs={"org_slug": figures.org.slug})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart="by_unit"' in html
    assert "fewer than 5" in html
    assert "<svg" in html


def test_home_page_shows_three_figures_to_hr_and_sponsor_only(figures):
    url = reverse("organisations:home", kwargs={"org_slug": figures.org.slug})
    for persona in ("hr_admin", "sponsor", "org_admin"):
        assert (
            'data-figure="carers"' in signed_in(getattr(figures, persona)).get(url).content.decode()
        )
    for persona in ("carer", "manager", "champion"):
        assert (
            'data-figure="carers"'
            not in signed_in(getattr(figures, persona)).get(url).content.decode()
        )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_carry_no_small_count(figures, kind):
    response = signed_in(figures.hr_admin).get(
        reverse("insights:export", kwargs={"org_slug": figures.org.slug, "kind": kind})
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        figures_column = [row[2] for row in rows[1:]]
        assert "fewer than 5" in figures_column
        assert not [cell for cell in figures_column if re.fullmatch(r"[1-4]", cell)]


def test_partnership_lead_sees_the_sum(figures):
    page = signed_in(figures.lead).get(
        reverse("insights:partnership", kwargs={"slug": figures.partnership.slug})
    )
    assert page.status_code == 200
    assert signed_in(figures.hr_admin).get(
        reverse("insights:partnership", kwargs={"slug": figures.partnership.slug})
    ).status_code in (403, 404)


def _unit_rows(html: str) -> list[str]:
    chart = html.split('data-chart="by_unit"', 1)[1].split("</figure>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>([^<]*)</th>', chart)


def test_a_long_breakdown_is_read_a_page_at_a_time(figures):
    """Hundreds of units make one page heavy to send and to read: the table shows 50 rows at
    a time, turning on its own parameter and keeping the other tables' pages."""
    for number in range(60):
        unit = UnitFactory.create(
            organisation=figures.org, code=f"P{number:02}", name=f"Team {number:02}"
        )
        staff(figures.org, unit, 1)
    url = reverse("insights:figures", kwargs={"org_slug": figures.org.slug})
    hr = signed_in(figures.hr_admin)
    first = hr.get(url).content.decode()
    rows = _unit_rows(first)
    assert len(rows) == 50
    assert 'href="?by_unit=2#chart-by_unit-title"' in first
    assert 'aria-label="Pages of “Carers by unit”"' in first

    second = hr.get(url, {"by_unit": "2", "by_site": "9"}).content.decode()
    rest = _unit_rows(second)
    assert 0 < len(rest) < 50
    assert not set(rows) & set(rest)
    assert {f"Team {number:02}" for number in range(60)} <= set(rows + rest)
    # Each team is a site of its own, so sites are paged too, and keep their page.
    assert 'href="?by_site=9&amp;by_unit=1#chart-by_unit-title"' in second
    assert 'href="?by_unit=2&amp;by_site=1#chart-by_site-title"' in second

    assert _unit_rows(hr.get(url, {"by_unit": "nonsense"}).content.decode()) == rows

    exported = hr.get(
        reverse("insights:export", kwargs={"org_slug": figures.org.slug, "kind": "csv"})
    ).content.decode()
    assert all(name in exported for name in rows + rest)


def test_a_partnership_page_hands_many_missing_months_to_the_worker(figures, settings, monkeypatch):
    """In the first hour of a month a partnership of hundreds would hold its page for minutes:
    past a few members, the months are handed to the task worker once, and the page shows no
    partial sum meanwhile."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from insights import figures as figures_module
    from insights.tasks import take_monthly_figures
    from organisations.tests.factories import OrganisationFactory

    for number in range(3):
        member = OrganisationFactory.create(partnership=figures.partnership, slug=f"m{number}")
        staff(member, None, 20, carers=6)
    monkeypatch.setattr(figures_module, "TAKEN_WHILE_WAITING", 2)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    cache.clear()
    url = reverse("insights:partnership", kwargs={"slug": figures.partnership.slug})
    lead = signed_in(figures.lead)

    first = lead.get(url).content.decode()
    assert "data-waiting" in first
    assert "5 member organisations" in first
    assert 'data-figure="carers"' not in first
    assert "data-no-figures" not in first
    assert DBTaskResult.objects.count() == 1
    lead.get(url)
    assert DBTaskResult.objects.count() == 1  # handed over once, however often it is opened

    # What the worker runs (a worker in this process would close the test's connection).
    assert DBTaskResult.objects.get().task_path == "insights.tasks.take_monthly_figures"
    take_monthly_figures.call()
    done = lead.get(url).content.decode()
    assert "data-waiting" not in done
    assert 'data-figure="carers"' in done


def test_the_partnership_sum_is_kept_until_what_it_is_made_of_changes(figures):
    """Adding up hundreds of members' months is kept in the cache, under a key made of which
    members' months it sums: a new member's month gives a new sum at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from insights.figures import partnership_report
    from organisations.tests.factories import OrganisationFactory

    for number in range(2):
        member = OrganisationFactory.create(partnership=figures.partnership, slug=f"k{number}")
        staff(member, None, 40, carers=10)
    today = timezone.localdate()
    first = partnership_report(partnership=figures.partnership, today=today)
    assert first is not None
    with CaptureQueriesContext(connection) as kept:
        again = partnership_report(partnership=figures.partnership, today=today)
    assert again == first
    assert len(kept) == 2  # the members and the stamp: no member's month is read again

    joined = OrganisationFactory.create(partnership=figures.partnership, slug="joined")
    staff(joined, None, 200, carers=60)
    bigger = partnership_report(partnership=figures.partnership, today=today)
    assert bigger is not None
    assert bigger.carers.staff.value != first.carers.staff.value
