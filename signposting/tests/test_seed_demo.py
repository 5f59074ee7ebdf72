from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from organisations.models import Organisation
from signposting.selectors import codes_for, visible_entries

pytestmark = pytest.mark.django_db


def test_the_demo_trust_sees_the_partnerships_entries_and_its_code() -> None:
    call_command("seed_demo", stdout=StringIO())
    trust = Organisation.objects.get(slug="eastbrook-hospitals")
    entries = {e.name: e for e in visible_entries(organisation=trust)}
    assert "Eastbrook Carers' Centre (demo)" in entries
    assert "Employee assistance programme" in entries
    online = entries["Caring Well online course (demo)"]
    codes = codes_for(entry=online, organisation=trust, today=timezone.localdate())
    assert [c.code for c in codes] == ["EASTBROOK-DEMO-2026"]
