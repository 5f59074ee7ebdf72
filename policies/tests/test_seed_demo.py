from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from organisations.models import Organisation
from policies.models import PolicyKind
from policies.selectors import policy_state

pytestmark = pytest.mark.django_db


def test_the_demo_trust_has_two_versions_of_its_carers_policy_and_its_leave_policy() -> None:
    call_command("seed_demo", stdout=StringIO())
    trust = Organisation.objects.get(slug="eastbrook-hospitals")
    carers = policy_state(organisation=trust, kind=PolicyKind.CARERS)
    assert [v.number for v in carers.versions] == [2, 1]
    assert "paid" in carers.versions[0].changes
    assert not carers.draft_differs
    assert policy_state(organisation=trust, kind=PolicyKind.LEAVE).current is not None
