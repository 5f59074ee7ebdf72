"""Small builders for commitment tests (the personas come from carershub/tests/personas.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from carershub.tests.personas import World
from commitments.models import CommitmentVersion
from commitments.services import (
    commitment_adopt_template,
    commitment_start_draft,
    draft_mark_ready,
    version_publish,
    version_sign,
)
from organisations.models import Organisation


def adopted(world: World) -> CommitmentVersion:
    """Draft 1 from the template, adopted by the HR persona."""
    return commitment_adopt_template(organisation=world.org, by=world.hr_admin)


def ready(world: World) -> CommitmentVersion:
    return draft_mark_ready(version=adopted(world), expected_revision=None, by=world.hr_admin)


def signed(world: World, version: CommitmentVersion | None = None) -> CommitmentVersion:
    version = version or ready(world)
    return version_sign(
        version=version,
        expected_revision=None,
        name="Sam Sponsor",
        role="Chief People Officer",
        signed_on=timezone.localdate(),
        authority_confirmed=True,
        by=world.sponsor,
    )


def published(world: World) -> CommitmentVersion:
    return version_publish(version=signed(world), by=world.hr_admin)


def next_published(
    world: World, *, text: str = "Our renewed promise.", on: date | None = None
) -> CommitmentVersion:
    """A further version signed and published on top of the current one."""
    current = CommitmentVersion.objects.filter(commitment__organisation=world.org).first()
    assert current is not None
    draft = commitment_start_draft(commitment=current.commitment, by=world.hr_admin, text=text)
    draft = draft_mark_ready(version=draft, expected_revision=None, by=world.hr_admin)
    signed_version = signed(world, draft)
    return version_publish(version=signed_version, by=world.hr_admin)


def organisation_of(version: CommitmentVersion) -> Organisation:
    return version.commitment.organisation
