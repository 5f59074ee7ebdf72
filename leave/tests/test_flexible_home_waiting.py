"""The flexible-working home page lists the requests waiting for a decision due soonest,
says when more are waiting, and audits only the requests it shows (trust rule 5)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from leave.flexible.views import HOME_WAITING_SHOWN
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from organisations.tests.factories import StaffRecordFactory

TODAY = date(2026, 11, 23)


def _waiting(world, n, *, status=FlexibleStatus.SUBMITTED, line_manager=None):
    """``n`` requests, the first due soonest, from staff nobody in post manages (HR decides)."""
    return FlexibleWorkingRequest.objects.bulk_create(
        FlexibleWorkingRequest(
            organisation=world.org,
            staff=StaffRecordFactory.create(organisation=world.org, line_manager=line_manager),
            received_on=TODAY - timedelta(days=5),
            change_requested="Start at 10am",
            start_from=TODAY + timedelta(days=60),
            status=status,
            decision_due=TODAY + timedelta(days=i + 1),
        )
        for i in range(n)
    )


def _listed(html):
    return [int(pk) for pk in re.findall(r"/flexible/(\d+)/", html)]


def _audited(world, viewer):
    return sorted(
        int(pk)
        for pk in AuditEvent.objects.filter(
            actor=viewer,
            action=Action.VIEW,
            object_type="leave.flexibleworkingrequest",
            summary__contains="waiting for a decision",
        ).values_list("object_id", flat=True)
    )


@time_machine.travel(TODAY)
def test_hr_sees_the_50_due_soonest_a_link_to_the_rest_and_only_those_are_audited(client, world):
    requests = _waiting(world, 40) + _waiting(world, 15, status=FlexibleStatus.APPEALED)
    requests.sort(key=lambda item: (item.decision_due, item.pk))
    client.force_login(world.hr_admin)

    html = client.get(f"/o/{world.org.slug}/flexible/").content.decode()

    shown = _listed(html.split("Waiting for your decision")[1])
    assert len(shown) == 50
    assert shown == [item.pk for item in requests[:HOME_WAITING_SHOWN]]
    assert requests[50].pk not in shown  # the 51st due is left for the full list
    assert "More are waiting." in html
    assert f"/o/{world.org.slug}/flexible/all/?status={FlexibleStatus.SUBMITTED}" in html
    assert f"/o/{world.org.slug}/flexible/all/?status={FlexibleStatus.APPEALED}" in html
    assert _audited(world, world.hr_admin) == sorted(shown)


@time_machine.travel(TODAY)
def test_hr_with_exactly_50_waiting_sees_them_all_and_no_more_waiting(client, world):
    requests = _waiting(world, 50)
    client.force_login(world.hr_admin)
    html = client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    assert sorted(_listed(html.split("Waiting for your decision")[1])) == sorted(
        item.pk for item in requests
    )
    assert "More are waiting." not in html
    assert len(_audited(world, world.hr_admin)) == 50


@time_machine.travel(TODAY)
def test_the_home_page_makes_as_many_queries_for_55_waiting_as_for_5(client, world):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/flexible/"
    client.get(url)
    counts = []
    for more in (5, 50):
        _waiting(world, more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@time_machine.travel(TODAY)
def test_a_manager_with_more_waiting_is_told_so_without_a_link_to_hrs_list(client, world):
    _waiting(world, 51, line_manager=world.manager_record)
    client.force_login(world.manager)
    html = client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    assert len(_listed(html.split("Waiting for your decision")[1])) == 50
    assert "More are waiting." in html
    assert "/flexible/all/" not in html
    assert len(_audited(world, world.manager)) == 50


@time_machine.travel(TODAY)
def test_an_agreed_extension_moves_a_request_back_to_its_new_decide_by_date(client, world):
    requests = _waiting(world, 51)
    extended = requests[0]  # due first, until HR and the carer agreed more time
    extended.extension_agreed_to = TODAY + timedelta(days=200)
    extended.save(update_fields=["extension_agreed_to"])
    client.force_login(world.hr_admin)

    shown = _listed(
        client.get(f"/o/{world.org.slug}/flexible/")
        .content.decode()
        .split("Waiting for your decision")[1]
    )

    assert extended.pk not in shown
    assert shown == [item.pk for item in requests[1:51]]
