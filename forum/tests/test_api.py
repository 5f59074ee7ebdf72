"""The forum through the API: read only, the partnership of the token's organisation, and an
anonymised case study names nobody there either."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.selectors import display_name
from api.services import api_token_create
from api.tests.helpers import API
from audit.models import Channel
from forum.services import reply_remove
from forum.tests import helpers

pytestmark = pytest.mark.django_db
BASE = f"{API}/forum"


def token_client(user, organisation, *, personal: bool = False) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_case_studies_are_listed_and_an_anonymised_one_names_nobody(world):
    helpers.case_study(world.partnership, world.hr_admin, title="Named")
    hidden = helpers.case_study(world.partnership, world.hr_admin, title="Hidden", anonymous=True)
    client = token_client(world.outsider, world.other_org)
    listed = client.get(f"{BASE}/case-studies").json()
    assert [item["title"] for item in listed["items"]] == ["Hidden", "Named"]
    one = client.get(f"{BASE}/case-studies/{hidden.pk}").json()
    assert (one["organisation"], one["author"], one["anonymous"]) == (None, None, True)
    named = listed["items"][1]
    assert named["organisation"] == "Home Trust"
    assert named["author"] == display_name(world.hr_admin)


def test_a_thread_comes_with_its_replies_and_a_removed_reply_has_no_text(world):
    started = helpers.thread(world.partnership, world.hr_admin)
    said = helpers.reply(started, world.champion, "Gone soon")
    helpers.reply(started, world.outsider, "Still here")
    reply_remove(reply=said, by=world.lead)
    body = token_client(world.champion, world.org).get(f"{BASE}/threads/{started.pk}").json()
    assert [(r["body"], r["removed"]) for r in body["replies"]] == [
        ("", True),
        ("Still here", False),
    ]
    assert body["replies"][1]["organisation"] == "Other Council"


def test_only_upcoming_events_are_listed(world):
    helpers.event(world.partnership, world.lead, title="Soon")
    past = helpers.event(world.partnership, world.lead, title="Over")
    past.starts_at = timezone.now() - timedelta(days=1)
    past.save()
    body = token_client(world.sponsor, world.org, personal=True).get(f"{BASE}/events").json()
    assert [item["title"] for item in body["items"]] == ["Soon"]


def test_an_employee_token_is_refused(world):
    response = token_client(world.carer, world.org, personal=True).get(f"{BASE}/threads")
    assert response.status_code == 403


def test_another_partnerships_case_study_is_not_found(world):
    from organisations.models import Partnership

    elsewhere = Partnership.objects.create(name="Elsewhere", slug="elsewhere")
    world.other_org.partnership = elsewhere
    world.other_org.save()
    found = helpers.case_study(world.partnership, world.hr_admin)
    response = token_client(world.outsider, world.other_org).get(f"{BASE}/case-studies/{found.pk}")
    assert response.status_code == 404
