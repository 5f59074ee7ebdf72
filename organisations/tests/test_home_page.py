"""The home page speaks to its reader: only people who decide requests are told they do."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leave.deputies import deputy_appoint

HOME = reverse("organisations:home", kwargs={"org_slug": "home-org"})
DECIDE = "decide your team's requests"


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.text


def test_someone_who_manages_nobody_is_not_told_to_decide_their_teams_requests(world):
    page = _home(world.carer)
    assert DECIDE not in page
    assert "ask for it and see what is left." in page
    assert "Ask to change when, where or how long you work.</p>" in page


def test_a_line_manager_is_told_they_decide_their_teams_requests(world):
    page = _home(world.manager)
    assert page.count(DECIDE) == 2  # carer's leave and flexible working


def test_a_deputy_standing_in_today_is_told_too(world):
    today = timezone.localdate()
    assert DECIDE not in _home(world.new_manager)
    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=today,
        to_date=today + timedelta(days=7),
        by=world.manager,
        today=today,
    )
    assert _home(world.new_manager).count(DECIDE) == 2
