"""Who reaches the forum, worked out live: an organisation that leaves the partnership takes
its people's access with it on the next request, and so does someone marked as left; another
partnership's forum is not found. Every forum URL and API operation is tried (the matrix's
world has no such people, so they are here)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from audit.models import Channel
from carershub.tests.matrix_kit import Targets
from carershub.tests.personas import TOTP_SECRET
from forum.tests import helpers
from forum.tests.matrix import MATRIX
from organisations.models import Membership, Partnership, PartnershipLead, Role, StaffStatus
from organisations.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = sorted(name for name, spec in MATRIX.items() if not spec.api)
OPERATIONS = sorted(name for name, spec in MATRIX.items() if spec.api)


class _Targets:
    """Just enough of the matrix's targets for the forum's kwargs."""

    def __init__(self, world) -> None:
        self.org = world.org
        self.partnership = world.partnership


def _path(world, name: str) -> str:
    targets: Targets = _Targets(world)  # type: ignore[assignment]
    return reverse(name, kwargs=MATRIX[name].kwargs(targets))


def _status(client: Client, name: str, path: str) -> int:
    spec = MATRIX[name]
    if spec.method == "GET":
        return client.get(path).status_code
    return client.post(path, spec.data or {}).status_code


@pytest.mark.parametrize("name", PAGES)
def test_hr_of_an_organisation_that_left_the_partnership_is_told_nothing(world, name):
    path = _path(world, name)  # the forum's objects exist before the organisation leaves
    client = Client()
    client.force_login(world.outsider)
    world.other_org.partnership = None
    world.other_org.save()
    assert _status(client, name, path) == 404


@pytest.mark.parametrize("name", PAGES)
def test_someone_marked_as_left_is_told_nothing(world, name):
    path = _path(world, name)
    client = Client()
    client.force_login(world.hr_admin)
    record = world.carer_record
    record.user = world.hr_admin
    record.status = StaffStatus.LEFT
    record.save()
    assert _status(client, name, path) == 404


@pytest.mark.parametrize("name", PAGES)
def test_another_partnerships_lead_does_not_find_this_forum(world, name):
    path = _path(world, name)
    stranger = UserFactory.create(email="lead.elsewhere@example.org")
    TOTP.activate(stranger, TOTP_SECRET)
    PartnershipLead.objects.create(
        user=stranger, partnership=Partnership.objects.create(name="Elsewhere", slug="elsewhere")
    )
    client = Client()
    client.force_login(stranger)
    assert _status(client, name, path) == 404


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_token_of_an_organisation_that_left_reads_nothing(world, name):
    path = _path(world, name)
    _token, secret = api_token_create(
        user=world.outsider, organisation=world.other_org, name="t", channel=Channel.WEB
    )
    world.other_org.partnership = None
    world.other_org.save()
    response = Client().get(path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


def test_an_organisation_outside_any_partnership_has_no_forum_card(world):
    alone = OrganisationFactory.create(partnership=None, slug="alone")
    champion = UserFactory.create(email="champion.alone@example.org")
    Membership.objects.create(user=champion, organisation=alone, role=Role.CHAMPION)
    client = Client()
    client.force_login(champion)
    page = client.get(reverse("organisations:home", kwargs={"org_slug": alone.slug}))
    assert page.status_code == 200
    assert "/forum/" not in page.content.decode()


def test_the_organisation_home_links_the_forum_for_readers_only(world):
    home = reverse("organisations:home", kwargs={"org_slug": world.org.slug})
    forum = reverse("forum:home", kwargs={"slug": world.partnership.slug})
    for persona, shown in (("sponsor", True), ("champion", True), ("carer", False)):
        client = Client()
        client.force_login(getattr(world, persona))
        assert (forum in client.get(home).content.decode()) is shown, persona


def test_the_partnership_home_links_the_forum(world):
    client = Client()
    client.force_login(world.lead)
    page = client.get(reverse("organisations:partnership_home", args=[world.partnership.slug]))
    assert reverse("forum:home", args=[world.partnership.slug]) in page.content.decode()


def test_case_studies_of_an_organisation_that_left_are_no_longer_shown(world):
    found = helpers.case_study(world.partnership, world.outsider, title="From the council")
    client = Client()
    client.force_login(world.hr_admin)
    listing = reverse("forum:case_studies", args=[world.partnership.slug])
    assert "From the council" in client.get(listing).content.decode()
    world.other_org.partnership = None
    world.other_org.save()
    assert "From the council" not in client.get(listing).content.decode()
    detail = reverse("forum:case_study", args=[world.partnership.slug, found.pk])
    assert client.get(detail).status_code == 404
