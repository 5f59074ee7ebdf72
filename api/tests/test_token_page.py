"""The HR page where API tokens are created (secret shown once) and revoked."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create
from api.tests.helpers import API
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World


def _page(slug: str = "home-org") -> str:
    return reverse("api:token_list", kwargs={"org_slug": slug})


def _revoke(token: ApiToken, slug: str = "home-org") -> str:
    return reverse("api:token_revoke", kwargs={"org_slug": slug, "pk": token.pk})


def _token(world: World, name: str = "Payroll link") -> tuple[ApiToken, str]:
    return api_token_create(
        user=world.hr_admin, organisation=world.org, name=name, channel=Channel.WEB
    )


def _as(client: Client, world: World, persona: str) -> Client:
    user = world.persona(persona)
    assert user is not None, "log in as someone, not as anonymous"
    client.force_login(user)
    return client


def _secret_in(html: str) -> str:
    match = re.search(r'id="new-token">(wch_[\w-]+)<', html)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_hr_admin_sees_the_organisations_tokens_but_never_their_secrets(
    client: Client, world: World
) -> None:
    token, secret = _token(world)

    response = _as(client, world, "hr_admin").get(_page())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Payroll link" in html
    assert f"{token.prefix}…" in html
    assert secret not in html
    assert 'id="new-token"' not in html


def test_creating_a_token_shows_the_secret_once_and_it_works(client: Client, world: World) -> None:
    _as(client, world, "hr_admin")

    response = client.post(_page(), {"name": "Nightly HR sync"})

    assert response.status_code == 200
    secret = _secret_in(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.organisation) == (
        "Nightly HR sync",
        world.hr_admin,
        world.org,
    )
    assert secret not in client.get(_page()).content.decode()
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get(f"{API}/staff").status_code == 200
    event = AuditEvent.objects.get(object_type="api.apitoken", object_id=token.pk)
    assert event.channel == Channel.WEB


def test_creating_a_token_without_a_name_shows_an_error_and_creates_nothing(
    client: Client, world: World
) -> None:
    response = _as(client, world, "hr_admin").post(_page(), {"name": ""})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_organisation_admin_may_manage_tokens(client: Client, world: World) -> None:
    _as(client, world, "org_admin").post(_page(), {"name": "Admin token"})

    assert ApiToken.objects.get().user == world.org_admin


def test_revoking_a_token_stops_it_working_at_once(client: Client, world: World) -> None:
    token, secret = _token(world)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get(f"{API}/staff").status_code == 200

    response = _as(client, world, "hr_admin").post(_revoke(token))

    assert response.status_code == 302
    assert response["Location"] == _page()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get(f"{API}/staff").status_code == 401
    event = AuditEvent.objects.get(object_type="api.apitoken", object_id=token.pk, action="update")
    assert (event.actor, event.channel) == (world.hr_admin, Channel.WEB)
    assert "Revoked" in client.get(_page()).content.decode()


def test_revoke_needs_a_post(client: Client, world: World) -> None:
    token, _secret = _token(world)

    response = _as(client, world, "hr_admin").get(_revoke(token))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_another_organisations_token_is_404_and_leaves_it_working(
    client: Client, world: World
) -> None:
    theirs, secret = api_token_create(
        user=world.outsider, organisation=world.other_org, name="Theirs", channel=Channel.WEB
    )

    response = _as(client, world, "hr_admin").post(_revoke(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get(f"{API}/staff").status_code == 200
    )
    assert "Theirs" not in client.get(_page()).content.decode()


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
def test_staff_without_an_hr_role_get_403(client: Client, world: World, persona: str) -> None:
    token, _secret = _token(world)
    _as(client, world, persona)

    assert client.get(_page()).status_code == 403
    assert client.post(_page(), {"name": "Sneaky"}).status_code == 403
    assert client.post(_revoke(token)).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_someone_from_another_organisation_gets_404(client: Client, world: World) -> None:
    token, _secret = _token(world)
    _as(client, world, "outsider")

    assert client.get(_page()).status_code == 404
    assert client.post(_revoke(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(_page())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_page_is_not_cached(client: Client, world: World) -> None:
    response = _as(client, world, "hr_admin").post(_page(), {"name": "Sync"})

    assert "no-store" in response["Cache-Control"]
