"""The directory through the API: the same entries as the pages, filters that say what was
wrong, and access codes only to a member with a personal token, as entitled today."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.services import api_token_create
from api.tests.helpers import API
from audit.models import Channel
from organisations.models import Organisation
from signposting.services import Owner
from signposting.tests.helpers import add_code, add_entry

pytestmark = pytest.mark.django_db
BASE = f"{API}/signposting"


def token_client(user, organisation, *, personal: bool) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_list_filters_by_area_and_topic_and_refuses_a_place_it_cannot_read(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin, name="In Leeds", areas="Leeds", topics=("money",))
    add_entry(owner, world.hr_admin, name="In Manchester", areas="M1", topics=("money",))
    client = token_client(world.carer, world.org, personal=True)
    found = client.get(f"{BASE}/entries", {"area": "leeds", "topic": "money"})
    assert found.status_code == 200
    assert [e["name"] for e in found.json()["items"]] == ["In Leeds"]
    assert found.json()["items"][0]["areas"] == [{"kind": "local_authority", "value": "LEEDS"}]
    bad = client.get(f"{BASE}/entries", {"area": "#!"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "bad_area"


def test_a_page_of_the_list_is_the_same_queries_for_few_and_many_entries(world):
    owner = Owner(organisation=world.org)
    client = token_client(world.hr_admin, world.org, personal=False)

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(f"{BASE}/entries").status_code == 200
        return len(done)

    client.get(f"{BASE}/entries")  # the token's first use is noted once
    add_entry(owner, world.hr_admin, name="First")
    one = queries()
    for n in range(5):
        add_entry(owner, world.hr_admin, name=f"More {n}")
    assert queries() == one


def test_codes_go_only_to_an_entitled_member_with_a_personal_token(world):
    entry = add_entry(
        Owner(partnership=world.partnership), world.lead, kind="digital", covers_everywhere=True
    )
    add_code(entry, world.lead, Owner(partnership=world.partnership), code="PLIM-2231")
    path = f"{BASE}/entries/{entry.pk}"
    personal = token_client(world.carer, world.org, personal=True).get(path).json()
    assert [c["code"] for c in personal["access_codes"]] == ["PLIM-2231"]
    system = token_client(world.hr_admin, world.org, personal=False).get(path)
    assert system.status_code == 200
    assert system.json()["access_codes"] == []
    assert "PLIM-2231" not in system.content.decode()
    outsider = token_client(world.outsider, world.other_org, personal=True)
    assert [c["code"] for c in outsider.get(path).json()["access_codes"]] == ["PLIM-2231"]
    # The outsider's organisation leaves the partnership: the entry is gone for it at once.
    Organisation.objects.filter(pk=world.other_org.pk).update(partnership=None)
    assert outsider.get(path).status_code == 404


def test_another_organisations_entry_is_not_found(world):
    entry = add_entry(Owner(organisation=world.other_org), world.outsider)
    client = token_client(world.carer, world.org, personal=True)
    assert client.get(f"{BASE}/entries/{entry.pk}").status_code == 404
