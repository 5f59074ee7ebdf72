from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from commitments.models import CommitmentVersion
from commitments.selectors import published_commitment
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_trust_has_a_signed_published_commitment() -> None:
    call_command("seed_demo", stdout=StringIO())
    trust = Organisation.objects.get(slug="eastbrook-hospitals")
    version = published_commitment(organisation=trust)
    assert version is not None
    assert (version.signed_by_name, version.signed_by_role) == ("Sam Okafor", "Chief Executive")
    assert version.signed_by is not None
    assert version.signed_by.email.startswith("sponsor@")
    assert "Eastbrook" in version.text
    assert "name a contact" in version.text
    assert CommitmentVersion.objects.count() == 1
