"""The network through the API: what it is for any member's token; meetings and answers for a
member's or champion's own token; the member list for a champion's own token only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.services import api_token_create
from audit.models import Channel
from networks.models import Meeting, MeetingKind, Network, Question
from networks.services import network_join, network_start

pytestmark = pytest.mark.django_db
BASE = "/api/v1/networks"


def token_client(user, organisation, *, personal: bool = True) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def network(world) -> Network:
    found = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    network_join(network=found, user=world.carer)
    Meeting.objects.create(
        network=found,
        title="Coffee",
        kind=MeetingKind.COFFEE,
        starts_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0),
        minutes=20,
        place="Canteen",
    )
    Question.objects.create(network=found, text="Waiting", asked_on=timezone.localdate())
    Question.objects.create(
        network=found,
        text="Answered",
        answer="Yes",
        asked_on=timezone.localdate(),
        answered_at=timezone.now(),
    )
    return found


def test_the_network_is_described_to_any_member_and_says_whether_you_belong(world, network):
    mine = token_client(world.carer, world.org).get(f"{BASE}/network").json()
    assert mine["name"] == "Carers together"
    assert mine["you_belong"] is True
    hr = token_client(world.hr_admin, world.org).get(f"{BASE}/network").json()
    assert hr["you_belong"] is False
    system = token_client(world.org_admin, world.org, personal=False).get(f"{BASE}/network")
    assert system.json()["you_belong"] is None


def test_only_a_champions_own_token_lists_the_members(world, network):
    listed = token_client(world.champion, world.org).get(f"{BASE}/network/members")
    assert listed.status_code == 200
    assert [m["email"] for m in listed.json()["items"]] == [world.carer.email]
    for who in (world.carer, world.hr_admin, world.org_admin, world.sponsor, world.manager):
        assert token_client(who, world.org).get(f"{BASE}/network/members").status_code == 403
    system = token_client(world.org_admin, world.org, personal=False)
    assert system.get(f"{BASE}/network/members").status_code == 403


def test_meetings_and_answers_are_for_members_and_champions(world, network):
    for who in (world.carer, world.champion):
        client = token_client(who, world.org)
        meetings = client.get(f"{BASE}/meetings").json()["items"]
        assert [m["title"] for m in meetings] == ["Coffee"]
        assert client.get(f"{BASE}/meetings/{meetings[0]['id']}").status_code == 200
        answers = client.get(f"{BASE}/answers").json()["items"]
        assert [a["question"] for a in answers] == ["Answered"]
    meeting = Meeting.objects.get()
    for who in (world.hr_admin, world.manager, world.sponsor):
        client = token_client(who, world.org)
        assert client.get(f"{BASE}/meetings").status_code == 404
        assert client.get(f"{BASE}/meetings/{meeting.pk}").status_code == 404
        assert client.get(f"{BASE}/answers").status_code == 404


def test_a_member_who_leaves_the_network_is_told_there_is_nothing(world, network):
    from networks.services import network_leave

    client = token_client(world.carer, world.org)
    network_leave(network=network, user=world.carer)
    assert client.get(f"{BASE}/meetings").status_code == 404
    assert client.get(f"{BASE}/network").json()["you_belong"] is False


def test_another_organisations_meeting_is_not_found(world, network):
    meeting = Meeting.objects.get()
    client = token_client(world.outsider, world.other_org)
    assert client.get(f"{BASE}/meetings/{meeting.pk}").status_code == 404
