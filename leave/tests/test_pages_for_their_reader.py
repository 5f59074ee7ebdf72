"""Pages say what their reader can do: a deputy is not offered what only a line manager does."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.test import Client

from leave.deputies import deputy_appoint
from leave.services import carers_leave_request

TODAY = date(2026, 11, 23)
NAME_A_DEPUTY = "Name a deputy to decide while you are away"


def _page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.text


@time_machine.travel(TODAY)
def test_a_deputy_who_manages_nobody_decides_from_the_team_page_but_is_not_asked_to_name_one(
    world,
):
    carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 12, 14), "full")],
        note="",
        by=world.carer,
        today=TODAY,
    )
    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=TODAY,
        to_date=TODAY + timedelta(days=10),
        by=world.manager,
        today=TODAY,
    )
    path = f"/o/{world.org.slug}/leave/team/"
    as_deputy = _page(world.new_manager, path)
    assert world.carer_record.full_name in as_deputy
    assert NAME_A_DEPUTY not in as_deputy
    assert NAME_A_DEPUTY in _page(world.manager, path)
