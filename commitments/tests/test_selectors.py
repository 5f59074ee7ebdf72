from __future__ import annotations

import pytest

from carershub.tests.personas import World
from commitments.models import VersionStatus
from commitments.selectors import partnership_commitments, published_commitment
from commitments.services import version_withdraw
from commitments.tests.helpers import adopted, next_published, published, signed

pytestmark = pytest.mark.django_db


def test_no_commitment_means_nothing_published(world: World) -> None:
    assert published_commitment(organisation=world.org) is None


def test_drafts_and_signed_versions_are_not_published(world: World) -> None:
    adopted(world)
    assert published_commitment(organisation=world.org) is None


def test_signed_but_unpublished_is_not_published(world: World) -> None:
    signed(world)
    assert published_commitment(organisation=world.org) is None


def test_published_version_carries_the_signatory_and_dates(world: World) -> None:
    version = published(world)
    found = published_commitment(organisation=world.org)
    assert found is not None
    assert found.pk == version.pk
    assert found.signed_by_name == "Sam Sponsor"
    assert found.signed_by_role == "Chief People Officer"
    assert found.signed_on == version.signed_on
    assert found.published_at is not None
    assert published_commitment(organisation=world.other_org) is None


def test_newer_published_version_replaces_the_older_one(world: World) -> None:
    first = published(world)
    second = next_published(world)
    found = published_commitment(organisation=world.org)
    assert found is not None
    assert found.pk == second.pk
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED


def test_withdrawn_commitment_is_no_longer_published(world: World) -> None:
    version = published(world)
    version_withdraw(version=version, reason="Being rewritten", by=world.hr_admin)
    assert published_commitment(organisation=world.org) is None


def test_partnership_lists_only_published_commitments_of_its_members(world: World) -> None:
    version = published(world)
    rows = list(partnership_commitments(partnership=world.partnership))
    assert [row.pk for row in rows] == [version.pk]
    assert rows[0].commitment.organisation == world.org
