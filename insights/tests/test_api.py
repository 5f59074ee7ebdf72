"""The figures through the API: the same figures as the page, never a count from 1 to 4, lists
paginated, and only with an organisation token of someone who may read the figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api.services import api_token_create
from audit.models import Channel
from insights.tests.test_figures import staff
from organisations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/insights"


def token_client(user, organisation, *, personal: bool = False) -> Client:
    _row, secret = api_token_create(
        user=user, organisation=organisation, name="Board", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def values(body: Any) -> list[int]:
    """Every figure's ``value`` anywhere in a response."""
    if isinstance(body, dict):
        found = [body["value"]] if "value" in body and "label" in body else []
        return found + [v for item in body.values() for v in values(item)]
    if isinstance(body, list):
        return [v for item in body for v in values(item)]
    return []


@pytest.fixture
def figures(world):
    for code, n, carers in (("W2", 40, 12), ("W3", 12, 2), ("W4", 25, 9)):
        unit = UnitFactory.create(organisation=world.org, code=code, name=f"Ward {code}")
        staff(world.org, unit, n, carers=carers)
    return world


def test_the_api_gives_the_pages_figures_and_no_small_count(figures):
    client = token_client(figures.hr_admin, figures.org)
    body = client.get(f"{API}/figures").json()
    assert body["carers"]["value"] % 5 == 0
    units = client.get(f"{API}/figures/units").json()
    assert units["count"] >= 3
    hidden = [item for item in units["items"] if item["carers"]["value"] is None]
    assert hidden
    assert {item["carers"]["label"] for item in hidden} <= {
        "fewer than 5",
        "not shown",
        "not shown: fewer than 10 staff",
    }
    everything = [body, units]
    for path in ("sites", "hours", "months"):
        response = client.get(f"{API}/figures/{path}")
        assert response.status_code == 200
        everything.append(response.json())
    shown = [v for part in everything for v in values(part) if v is not None]
    assert shown
    assert not [v for v in shown if 0 < v < 5]
    assert all(v % 5 == 0 for v in shown)


def test_a_personal_token_reads_no_figures(figures):
    client = token_client(figures.hr_admin, figures.org, personal=True)
    assert client.get(f"{API}/figures").status_code == 403
