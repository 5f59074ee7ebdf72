"""Articles through the API: published ones only, newest first, the token's organisation's."""

from __future__ import annotations

import pytest
from django.test import Client

from api.services import api_token_create
from api.tests.helpers import API
from audit.models import Channel
from communications.tests.helpers import draft, published

pytestmark = pytest.mark.django_db
BASE = f"{API}/communications"


def token_client(user, organisation) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_list_has_published_articles_only_newest_first(world):
    older = published(world, title="Older")
    newer = published(world, title="Newer")
    draft(world, title="Draft")
    found = token_client(world.carer, world.org).get(f"{BASE}/articles")
    assert found.status_code == 200
    assert [a["id"] for a in found.json()["items"]] == [newer.pk, older.pk]
    assert found.json()["items"][0]["body"].startswith("She talked to her manager.")


def test_a_draft_or_another_organisations_article_is_not_found(world):
    hidden = draft(world)
    shown = published(world)
    client = token_client(world.carer, world.org)
    assert client.get(f"{BASE}/articles/{hidden.pk}").status_code == 404
    assert client.get(f"{BASE}/articles/{shown.pk}").json()["title"] == shown.title
    outsider = token_client(world.outsider, world.other_org)
    assert outsider.get(f"{BASE}/articles/{shown.pk}").status_code == 404
    assert outsider.get(f"{BASE}/articles").json()["items"] == []
