"""The staff carer network's measures: members in post (1 to 4 hidden) and meetings held in
the last 12 months, read through networks.public as numbers only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from benchmarks.frameworks import frameworks
from benchmarks.measures import network_meetings, network_members
from learning.tests.learners import people
from networks.models import Meeting, MeetingKind, Network, NetworkMember
from organisations.models import StaffRecord, StaffStatus
from organisations.tests.factories import OrganisationFactory
from passports.models import CarerDeclaration

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def _network(organisation, members: int) -> Network:
    network = Network.objects.create(organisation=organisation, name="Ours", about="Join.")
    for record in people(organisation, members):
        assert record.user is not None
        NetworkMember.objects.create(network=network, user=record.user)
    return network


def _meeting(network: Network, when: datetime) -> None:
    Meeting.objects.create(
        network=network, title="Coffee", kind=MeetingKind.COFFEE, starts_at=when, minutes=20
    )


def test_no_network_says_so():
    organisation = OrganisationFactory.create()

    assert network_members(organisation, TODAY).display == "No network yet"
    assert network_meetings(organisation, TODAY).value is None


@pytest.mark.parametrize(
    ("members", "value", "display"), [(0, 0, "0"), (3, None, "fewer than 5"), (7, 7, "7")]
)
def test_members_in_post_are_counted_and_small_numbers_hidden(members, value, display):
    organisation = OrganisationFactory.create()
    network = _network(organisation, members)
    for record in people(organisation, 2, status=StaffStatus.LEFT):
        assert record.user is not None
        NetworkMember.objects.create(network=network, user=record.user)

    measurement = network_members(organisation, TODAY)

    assert (measurement.value, measurement.display) == (value, display)


def test_meetings_held_in_the_last_year_are_counted():
    organisation = OrganisationFactory.create()
    network = _network(organisation, 5)
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    _meeting(network, noon - timedelta(days=10))
    _meeting(network, noon - timedelta(days=300))
    _meeting(network, noon - timedelta(days=400))  # over a year ago
    _meeting(network, noon + timedelta(days=5))  # not held yet
    _meeting(_network(OrganisationFactory.create(), 5), noon - timedelta(days=10))

    assert network_meetings(organisation, TODAY).value == 2


def test_every_framework_shows_the_network_on_its_peer_support_network_requirement():
    wired = {
        (framework.slug, requirement.key)
        for framework in frameworks().values()
        for _criterion, requirement in framework.requirements()
        if "network_members" in requirement.measures
    }

    assert wired == {
        ("carer-positive", "peer-network"),
        ("carer-confident", "peer-support-group"),
        ("efc-action-list", "efc-network"),
    }


def test_members_who_chose_not_to_be_counted_as_carers_are_not_counted():
    organisation = OrganisationFactory.create()
    network = _network(organisation, 6)
    member = NetworkMember.objects.filter(network=network).first()
    assert member is not None
    record = StaffRecord.objects.get(user=member.user, organisation=organisation)
    CarerDeclaration.objects.create(staff=record, include_in_counts=False)

    assert network_members(organisation, TODAY).value == 5
