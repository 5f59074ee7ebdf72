"""A network shared by a partnership: the staff of the partnership's other organisations
without a network of their own join it and come to its meetings; the champions of the
organisation that started it run it; an organisation that leaves the partnership is out at
once, and stopping the sharing deletes everyone it no longer reaches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from networks.models import Meeting, MeetingKind, Network, NetworkMember
from networks.public import network_figures
from networks.selectors import member_emails, members_of, network_of
from networks.services import (
    MeetingDetails,
    meeting_create,
    network_join,
    network_share,
    network_start,
)
from organisations.models import Membership, Organisation, Role
from organisations.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory
from shared.writes import RuleError

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(organisation: Organisation, name: str, **kwargs) -> str:
    return reverse(f"networks:{name}", kwargs={"org_slug": organisation.slug, **kwargs})


def employee(organisation: Organisation, email: str, *roles: Role) -> User:
    user = UserFactory.create(email=email)
    for role in (Role.EMPLOYEE, *roles):
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def shared(world) -> Network:
    network = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    assert network_share(
        network=network, user=world.champion, shared=True, expected_version=network.version
    )
    Meeting.objects.create(
        network=network,
        title="Coffee",
        kind=MeetingKind.COFFEE,
        starts_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0),
        minutes=20,
        place="Canteen",
    )
    return network


@pytest.fixture
def guest(world) -> User:
    """Someone at the partnership's other organisation, which has no network of its own."""
    return employee(world.other_org, "guest@example.org")


def test_staff_of_the_other_organisations_join_and_see_the_meetings(world, shared, guest):
    assert network_of(organisation=world.other_org) == shared
    client = signed_in(guest)
    home = client.get(page(world.other_org, "home"))
    assert b"Run by the carer champions of Home Trust" in home.content
    assert client.post(page(world.other_org, "join")).status_code == 302
    meeting = Meeting.objects.get()
    assert client.get(page(world.other_org, "meeting", pk=meeting.pk)).status_code == 200
    assert guest.email in member_emails(network=shared)
    listed = members_of(network=shared)
    assert [(m.user, getattr(m, "organisation_name", None)) for m in listed] == [
        (guest, "Other Council")
    ]


def test_the_host_champions_list_members_with_where_they_work(world, shared, guest):
    network_join(network=shared, user=guest)
    network_join(network=shared, user=world.carer)
    response = signed_in(world.champion).get(page(world.org, "members"))
    assert b"Other Council" in response.content
    assert b"Works at" in response.content


def test_nobody_at_the_other_organisation_runs_it_or_sees_who_belongs(world, shared, guest):
    champion_there = employee(world.other_org, "champ2@example.org", Role.CHAMPION)
    network_join(network=shared, user=guest)
    for who in (champion_there, world.outsider):
        client = signed_in(who)
        for name in ("members", "edit", "meeting_new", "announcement_new", "share"):
            assert client.get(page(world.other_org, name)).status_code == 403, (who, name)
    # The other organisation's champion is offered a network of their own instead.
    home = signed_in(champion_there).get(page(world.other_org, "home"))
    assert b"Start your own network" in home.content
    assert b"See who belongs" not in home.content


def test_an_organisation_that_leaves_the_partnership_is_out_at_once(world, shared, guest):
    network_join(network=shared, user=guest)
    meeting = Meeting.objects.get()
    Organisation.objects.filter(pk=world.other_org.pk).update(
        partnership=PartnershipFactory.create()
    )
    world.other_org.refresh_from_db()
    assert network_of(organisation=world.other_org) is None
    assert members_of(network=shared) == []
    assert guest.email not in member_emails(network=shared)
    client = signed_in(guest)
    assert client.get(page(world.other_org, "meeting", pk=meeting.pk)).status_code == 404
    with pytest.raises(PermissionDenied):
        network_join(network=shared, user=guest)


def test_an_organisation_with_its_own_network_keeps_to_it(world, shared):
    third = OrganisationFactory.create(partnership=world.partnership, slug="third")
    champion = employee(third, "c3@example.org", Role.CHAMPION)
    own = network_start(organisation=third, user=champion, name="Ours", about="Ours.")
    assert network_of(organisation=third) == own
    person = employee(third, "p3@example.org")
    with pytest.raises(PermissionDenied):
        network_join(network=shared, user=person)


def test_stopping_sharing_takes_everyone_else_off(world, shared, guest):
    network_join(network=shared, user=guest)
    network_join(network=shared, user=world.carer)
    assert network_share(
        network=shared, user=world.champion, shared=False, expected_version=shared.version
    )
    assert list(NetworkMember.objects.values_list("user", flat=True)) == [world.carer.pk]
    assert network_of(organisation=world.other_org) is None


def test_a_partnership_shares_one_network_and_a_lone_organisation_none(world, shared):
    third = OrganisationFactory.create(partnership=world.partnership, slug="third")
    champion = employee(third, "c3@example.org", Role.CHAMPION)
    own = network_start(organisation=third, user=champion, name="Ours", about="Ours.")
    with pytest.raises(RuleError) as refused:
        network_share(network=own, user=champion, shared=True, expected_version=own.version)
    assert refused.value.code == "partnership_has_one"
    alone = OrganisationFactory.create(partnership=None, slug="alone")
    champion_alone = employee(alone, "c4@example.org", Role.CHAMPION)
    lone = network_start(organisation=alone, user=champion_alone, name="Lone", about="Lone.")
    with pytest.raises(RuleError) as refused:
        network_share(network=lone, user=champion_alone, shared=True, expected_version=lone.version)
    assert refused.value.code == "no_partnership"


def test_only_the_host_champions_change_the_sharing(world, shared):
    for who in (world.hr_admin, world.carer, world.leaver):
        with pytest.raises(PermissionDenied):
            network_share(network=shared, user=who, shared=False, expected_version=None)


def test_each_organisation_counts_its_own_staff_in_its_evidence(world, shared, guest):
    network_join(network=shared, user=guest)
    network_join(network=shared, user=world.carer)
    since, until = timezone.now() - timedelta(days=365), timezone.now() + timedelta(days=30)
    home = network_figures(organisation=world.org, since=since, until=until)
    other = network_figures(organisation=world.other_org, since=since, until=until)
    assert (home.members, other.members) == (1, 1)
    assert other.exists


def test_the_share_page_saves_and_an_unchanged_submit_writes_nothing(world):
    network = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    client = signed_in(world.champion)
    form = {"version": str(network.version), "shared": "no"}
    assert client.post(page(world.org, "share"), form).status_code == 302
    network.refresh_from_db()
    assert network.version == 1
    client.post(page(world.org, "share"), {**form, "shared": "yes"})
    network.refresh_from_db()
    assert network.shared


def _links(message) -> str:
    return "".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/calendar")
    )


def test_a_guests_emails_and_calendar_entry_link_to_their_own_organisations_pages(
    world, shared, guest, smtp_sink, django_capture_on_commit_callbacks
):
    network_join(network=shared, user=guest)
    network_join(network=shared, user=world.carer)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_create(
            network=shared,
            user=world.champion,
            details=MeetingDetails(
                title="Lunch",
                kind=MeetingKind.IN_PERSON,
                starts_at=(timezone.now() + timedelta(days=4)).replace(second=0, microsecond=0),
                minutes=30,
                place="Room 2",
                link="",
                agenda="",
            ),
        )
    by_address = {message["To"]: _links(message) for message in smtp_sink}
    assert "/o/other-org/network/meetings/" in by_address[guest.email]
    assert "/o/home-org/" not in by_address[guest.email]
    assert "/o/home-org/network/meetings/" in by_address[world.carer.email]
    # And the link works for them.
    path = by_address[guest.email].split("/o/other-org/network/meetings/")[1].split("/")[0]
    opened = signed_in(guest).get(page(world.other_org, "meeting", pk=int(path)))
    assert opened.status_code == 200


def test_a_guest_champions_token_does_not_list_the_shared_networks_members(world, shared):
    from api.services import api_token_create
    from audit.models import Channel

    champion_there = employee(world.other_org, "champ2@example.org", Role.CHAMPION)
    network_join(network=shared, user=world.carer)
    _token, secret = api_token_create(
        user=champion_there,
        organisation=world.other_org,
        name="Mine",
        channel=Channel.WEB,
        personal=True,
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/networks/network/members").status_code == 403


def test_a_guest_champion_is_not_asked_to_answer_the_shared_box(world, shared):
    from networks.hooks import waiting_for
    from networks.models import Question
    from organisations.hooks import HomeViewer

    Question.objects.create(network=shared, text="Waiting", asked_on=timezone.localdate())
    champion_there = employee(world.other_org, "champ2@example.org", Role.CHAMPION)
    viewer = HomeViewer(
        user=champion_there,
        organisation=world.other_org,
        record=None,
        today=timezone.localdate(),
        report_count=0,
    )
    assert waiting_for(viewer=viewer) == []
    host = HomeViewer(
        user=world.champion,
        organisation=world.org,
        record=None,
        today=timezone.localdate(),
        report_count=0,
    )
    assert [item.count for item in waiting_for(viewer=host)] == [1]


def test_starting_a_network_of_their_own_takes_its_staff_off_the_shared_one(world, shared, guest):
    network_join(network=shared, user=guest)
    champion_there = employee(world.other_org, "champ2@example.org", Role.CHAMPION)
    own = network_start(organisation=world.other_org, user=champion_there, name="Ours", about=".")
    assert network_of(organisation=world.other_org) == own
    assert not NetworkMember.objects.filter(network=shared, user=guest).exists()


def test_a_network_is_not_shared_in_a_partnership_its_organisation_moves_to(world, shared):
    elsewhere = PartnershipFactory.create()
    Organisation.objects.filter(pk=world.org.pk).update(partnership=elsewhere)
    neighbour = OrganisationFactory.create(partnership=elsewhere, slug="neighbour")
    assert network_of(organisation=neighbour) is None
    # Its old partnership is free to share another network.
    third = OrganisationFactory.create(partnership=world.partnership, slug="third")
    champion = employee(third, "c3@example.org", Role.CHAMPION)
    theirs = network_start(organisation=third, user=champion, name="Theirs", about=".")
    assert network_share(network=theirs, user=champion, shared=True, expected_version=1)
    assert network_of(organisation=world.other_org) == theirs
