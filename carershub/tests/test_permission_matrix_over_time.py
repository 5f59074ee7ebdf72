"""The permission matrix's second half: access that changes while the roles stay the same.

``test_permission_matrix`` fixes each persona's roles and asks every URL once. Two things in
peer support depend on more than a role, and change underneath it:

- **belonging to the staff carer network**: joining and leaving it, the organisation
  starting or stopping sharing it with the partnership, and an organisation leaving the
  partnership;
- **entitlement to an access code**: the code's dates, and whether the reader's organisation
  is (still) in the partnership the code was issued to.

Each row below is a situation, a persona and what every private address answers them. The
rows are data so that a situation missing from the table is easy to see and add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from carershub.tests.personas import World
from networks.models import Meeting, MeetingKind, Network, NetworkMember, Question
from networks.services import network_join, network_leave, network_share, network_start
from organisations.models import Membership, Organisation, Role
from organisations.tests.factories import PartnershipFactory, UserFactory
from signposting.models import AccessCode, Entry, EntryTopic

pytestmark = pytest.mark.django_db

# Network ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where the person opens the network's pages, and the network with its meeting."""

    organisation: Organisation
    network: Network
    meeting: Meeting
    question: Question


def _network(world: World) -> Place:
    network = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    meeting = Meeting.objects.create(
        network=network,
        title="Coffee",
        kind=MeetingKind.COFFEE,
        starts_at=(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0),
        minutes=20,
        place="Canteen",
    )
    question = Question.objects.create(
        network=network, text="Waiting", asked_on=timezone.localdate()
    )
    return Place(world.org, network, meeting, question)


def _guest(world: World) -> User:
    user = UserFactory.create(email="guest@example.org")
    Membership.objects.create(user=user, organisation=world.other_org, role=Role.EMPLOYEE)
    return user


def _shared(world: World, place: Place) -> Place:
    network_share(network=place.network, user=world.champion, shared=True, expected_version=1)
    return Place(world.other_org, place.network, place.meeting, place.question)


def member(world: World, place: Place) -> tuple[User, Place]:
    network_join(network=place.network, user=world.carer)
    return world.carer, place


def member_who_left_the_network(world: World, place: Place) -> tuple[User, Place]:
    network_join(network=place.network, user=world.carer)
    network_leave(network=place.network, user=world.carer)
    return world.carer, place


def hr_admin_who_joined(world: World, place: Place) -> tuple[User, Place]:
    network_join(network=place.network, user=world.hr_admin)
    return world.hr_admin, place


def hr_admin(world: World, place: Place) -> tuple[User, Place]:
    return world.hr_admin, place


def line_manager(world: World, place: Place) -> tuple[User, Place]:
    return world.manager, place


def sponsor(world: World, place: Place) -> tuple[User, Place]:
    return world.sponsor, place


def champion(world: World, place: Place) -> tuple[User, Place]:
    return world.champion, place


def member_who_left_the_organisation(world: World, place: Place) -> tuple[User, Place]:
    NetworkMember.objects.create(network=place.network, user=world.leaver)
    return world.leaver, place


def partner_member_of_a_shared_network(world: World, place: Place) -> tuple[User, Place]:
    guest = _guest(world)
    shared = _shared(world, place)
    network_join(network=shared.network, user=guest)
    return guest, shared


def partner_hr_of_a_shared_network(world: World, place: Place) -> tuple[User, Place]:
    shared = _shared(world, place)
    network_join(network=shared.network, user=_guest(world))
    return world.outsider, shared


def partner_champion_of_a_shared_network(world: World, place: Place) -> tuple[User, Place]:
    champion_there = UserFactory.create(email="champ2@example.org")
    for role in (Role.EMPLOYEE, Role.CHAMPION):
        Membership.objects.create(user=champion_there, organisation=world.other_org, role=role)
    shared = _shared(world, place)
    network_join(network=shared.network, user=_guest(world))
    return champion_there, shared


def partner_member_whose_organisation_left(world: World, place: Place) -> tuple[User, Place]:
    guest = _guest(world)
    shared = _shared(world, place)
    network_join(network=shared.network, user=guest)
    Organisation.objects.filter(pk=world.other_org.pk).update(
        partnership=PartnershipFactory.create()
    )
    return guest, shared


def partner_member_after_sharing_stopped(world: World, place: Place) -> tuple[User, Place]:
    guest = _guest(world)
    shared = _shared(world, place)
    network_join(network=shared.network, user=guest)
    network_share(network=place.network, user=world.champion, shared=False, expected_version=2)
    return guest, shared


#: Situation → what each address answers: the network's page, its question box, the meeting
#: and its calendar file, the member list and a waiting question's answer page.
NETWORK_ROWS: dict[Callable[[World, Place], tuple[User, Place]], dict[str, int]] = {
    member: {"home": 200, "questions": 200, "meeting": 200, "ics": 200, "members": 403, "answer": 403},
    member_who_left_the_network: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    hr_admin: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    hr_admin_who_joined: {"home": 200, "questions": 200, "meeting": 200, "ics": 200, "members": 403, "answer": 403},
    line_manager: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    sponsor: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    champion: {"home": 200, "questions": 200, "meeting": 200, "ics": 200, "members": 200, "answer": 200},
    member_who_left_the_organisation: {"home": 200, "questions": 403, "meeting": 403, "ics": 403, "members": 403, "answer": 403},
    partner_member_of_a_shared_network: {"home": 200, "questions": 200, "meeting": 200, "ics": 200, "members": 403, "answer": 403},
    partner_hr_of_a_shared_network: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    partner_champion_of_a_shared_network: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 404},
    partner_member_whose_organisation_left: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
    partner_member_after_sharing_stopped: {"home": 200, "questions": 404, "meeting": 404, "ics": 404, "members": 403, "answer": 403},
}  # fmt: skip


def _addresses(place: Place) -> dict[str, str]:
    slug = place.organisation.slug

    def url(name: str, **kwargs: Any) -> str:
        return reverse(f"networks:{name}", kwargs={"org_slug": slug, **kwargs})

    return {
        "home": url("home"),
        "questions": url("questions"),
        "meeting": url("meeting", pk=place.meeting.pk),
        "ics": url("meeting_calendar", pk=place.meeting.pk),
        "members": url("members"),
        "answer": url("question_answer", pk=place.question.pk),
    }


@pytest.mark.parametrize("situation", list(NETWORK_ROWS), ids=lambda f: f.__name__)
def test_the_network_answers_each_situation(world: World, situation: Any) -> None:
    user, place = situation(world, _network(world))
    place.organisation.refresh_from_db()
    client = Client()
    client.force_login(user)
    got = {name: client.get(path).status_code for name, path in _addresses(place).items()}
    assert got == NETWORK_ROWS[situation]


def test_someone_who_left_the_network_is_not_listed_or_emailed(world: World) -> None:
    from networks.selectors import member_emails, members_of

    place = _network(world)
    network_join(network=place.network, user=world.carer)
    network_leave(network=place.network, user=world.carer)
    assert members_of(network=place.network) == []
    assert member_emails(network=place.network) == []


# Access codes -------------------------------------------------------------------------------

CODE = "CARE-2026-ACCESS"


def _resource(world: World, *, owner: str, valid_days: tuple[int, int]) -> Entry:
    today = timezone.localdate()
    owned: dict[str, Any] = (
        {"partnership": world.partnership}
        if owner == "partnership"
        else {"organisation": world.org}
    )
    entry = Entry.objects.create(
        **owned,
        kind="digital",
        name="Carers' app",
        name_key="carers' app",
        who_for="Staff who look after someone.",
        how_to_get="Sign up with the code.",
        website="https://app.example.org",
        covers_everywhere=True,
        review_by=today + timedelta(days=90),
    )
    EntryTopic.objects.create(entry=entry, topic="wellbeing")
    AccessCode.objects.create(
        entry=entry,
        code=CODE,
        valid_from=today + timedelta(days=valid_days[0]),
        valid_until=today + timedelta(days=valid_days[1]),
        **owned,
    )
    return entry


@dataclass(frozen=True)
class CodeRow:
    owner: str
    valid_days: tuple[int, int]
    reader: str
    #: The reader's organisation leaves the partnership before reading.
    leaves_partnership: bool
    #: The entry page's status, and whether the code is on it.
    status: int
    shown: bool


CODE_ROWS = {
    "partnership code, staff of a member organisation": CodeRow("partnership", (-1, 30), "carer", False, 200, True),
    "partnership code, staff of another member organisation": CodeRow("partnership", (-1, 30), "outsider", False, 200, True),
    "partnership code, organisation left the partnership": CodeRow("partnership", (-1, 30), "carer", True, 404, False),
    "partnership code, expired": CodeRow("partnership", (-30, -1), "carer", False, 200, False),
    "partnership code, not yet valid": CodeRow("partnership", (2, 30), "carer", False, 200, False),
    "organisation code, its own staff": CodeRow("organisation", (-1, 30), "carer", False, 200, True),
    "organisation code, HR admin": CodeRow("organisation", (-1, 30), "hr_admin", False, 200, True),
    "organisation code, another organisation of the partnership": CodeRow("organisation", (-1, 30), "outsider", False, 404, False),
    "organisation code, someone who has left": CodeRow("organisation", (-1, 30), "leaver", False, 403, False),
    "organisation code, its own staff after leaving the partnership": CodeRow("organisation", (-1, 30), "carer", True, 200, True),
}  # fmt: skip


@pytest.mark.parametrize("row", list(CODE_ROWS.values()), ids=list(CODE_ROWS))
def test_an_access_code_reaches_exactly_the_entitled(world: World, row: CodeRow) -> None:
    entry = _resource(world, owner=row.owner, valid_days=row.valid_days)
    reader = world.persona(row.reader)
    assert reader is not None
    organisation = world.other_org if row.reader == "outsider" else world.org
    if row.leaves_partnership:
        Organisation.objects.filter(pk=organisation.pk).update(
            partnership=PartnershipFactory.create()
        )
    client = Client()
    client.force_login(reader)
    path = reverse("signposting:entry", kwargs={"org_slug": organisation.slug, "pk": entry.pk})
    response = client.get(path)
    assert response.status_code == row.status
    assert (CODE.encode() in response.content) is row.shown
