"""The partnership's page of signed commitments: for its leads and the members of its
organisations, nobody else (trust rule 6: only what a commitment publishes is shown)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carershub.tests.personas import World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from commitments.services import version_withdraw
from commitments.tests.helpers import published
from organisations.models import Membership, Organisation, Role
from organisations.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _list_url(world: World) -> str:
    return reverse("commitments:partnership_list", kwargs={"slug": world.partnership.slug})


def _text_url(world: World, org_slug: str = "home-org") -> str:
    return reverse(
        "commitments:partnership_member",
        kwargs={"slug": world.partnership.slug, "org_slug": org_slug},
    )


def _publish_directly(organisation: Organisation, name: str) -> CommitmentVersion:
    """A published commitment for an organisation with no personas of its own."""
    commitment = LeadershipCommitment.objects.create(organisation=organisation)
    now = timezone.now()
    return CommitmentVersion.objects.create(
        commitment=commitment,
        number=1,
        text=f"# {name} commits\n\nWe will support carers.",
        status=VersionStatus.PUBLISHED,
        signed_by_name=name,
        signed_by_role="Director",
        signed_on=timezone.localdate(),
        signed_at=now,
        published_at=now,
    )


@pytest.mark.parametrize("persona", ["lead", "carer", "hr_admin", "sponsor", "outsider"])
def test_leads_and_members_of_any_member_organisation_see_the_list(
    world: World, persona: str
) -> None:
    published(world)
    response = _client(getattr(world, persona)).get(_list_url(world))
    assert response.status_code == 200
    assert "Home Trust" in response.text
    assert "Sam Sponsor, Chief People Officer" in response.text
    assert _text_url(world) in response.text


def test_someone_outside_the_partnership_gets_not_found(world: World) -> None:
    elsewhere = OrganisationFactory.create(partnership=PartnershipFactory.create())
    stranger = UserFactory.create()
    Membership.objects.create(user=stranger, organisation=elsewhere, role=Role.SPONSOR)
    published(world)
    client = _client(stranger)
    assert client.get(_list_url(world)).status_code == 404
    assert client.get(_text_url(world)).status_code == 404


def test_an_unknown_partnership_is_not_found_and_visitors_must_sign_in(world: World) -> None:
    missing = reverse("commitments:partnership_list", kwargs={"slug": "no-such-partnership"})
    assert _client(world.lead).get(missing).status_code == 404
    assert _client(None).get(_list_url(world)).status_code == 302


def test_only_published_commitments_are_listed(world: World) -> None:
    version = published(world)
    version_withdraw(version=version, reason="Rewriting", by=world.hr_admin)
    response = _client(world.lead).get(_list_url(world))
    assert "No member organisation has published a commitment yet." in response.text
    assert _client(world.lead).get(_text_url(world)).status_code == 404


def test_the_lead_reads_a_members_text(world: World) -> None:
    published(world)
    response = _client(world.lead).get(_text_url(world))
    assert response.status_code == 200
    assert "Our commitment to working carers" in response.text


def test_an_organisation_outside_the_partnership_is_not_reachable_through_it(
    world: World,
) -> None:
    elsewhere = OrganisationFactory.create(
        partnership=PartnershipFactory.create(), slug="elsewhere"
    )
    _publish_directly(elsewhere, "Someone Else")
    client = _client(world.lead)
    assert client.get(_text_url(world, "elsewhere")).status_code == 404
    assert "Someone Else" not in client.get(_list_url(world)).text


def test_the_list_takes_the_same_queries_however_many_members_have_signed(
    world: World, django_assert_max_num_queries
) -> None:
    for n in range(6):
        organisation = OrganisationFactory.create(partnership=world.org.partnership)
        _publish_directly(organisation, f"Signatory {n}")
    client = _client(world.carer)
    client.get(_list_url(world))
    with django_assert_max_num_queries(8):
        response = client.get(_list_url(world))
    assert response.text.count("Signatory ") == 6


def test_the_partnership_home_links_to_the_list(world: World) -> None:
    response = _client(world.lead).get(
        reverse("organisations:partnership_home", kwargs={"slug": world.partnership.slug})
    )
    assert _list_url(world) in response.text


def test_the_commitment_page_links_to_the_partnership_list(world: World) -> None:
    response = _client(world.carer).get(
        reverse("commitments:home", kwargs={"org_slug": "home-org"})
    )
    assert _list_url(world) in response.text
