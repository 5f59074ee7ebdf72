"""Bearer tokens: who they act as, where, and what happens when they should no longer work."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core import serializers
from django.test import Client
from django.utils import timezone

from api.auth import BearerToken
from api.endpoints import router
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from api.tests.conftest import MakeClient
from api.tests.helpers import API, ApiResponse, assert_problem
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from organisations.models import Membership, Role
from organisations.tests.factories import MembershipFactory

STAFF_ROUTES = [
    ("get", "/staff"),
    ("post", "/staff"),
    ("get", "/staff/{carer}"),
    ("patch", "/staff/{carer}"),
    ("post", "/staff/{carer}/leave"),
    ("get", "/units"),
    ("post", "/units"),
    ("get", "/memberships"),
]


def _call(client: Client, method: str, path: str, world: World) -> ApiResponse:
    url = API + path.format(carer=world.carer_record.pk)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, content_type="application/json")


def _assert_not_authenticated(response: ApiResponse) -> None:
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_every_route_names_the_permission_it_needs() -> None:
    operations = [
        (path, operation)
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
    ]
    assert len(operations) >= 9
    for path, operation in operations:
        [auth] = operation.auth_callbacks
        assert isinstance(auth, BearerToken), path
        assert auth.permission.startswith("organisations."), path


@pytest.mark.parametrize(("method", "path"), [*STAFF_ROUTES, ("get", "/organisation")])
def test_request_without_a_token_is_401_not_authenticated(
    client: Client, world: World, method: str, path: str
) -> None:
    _assert_not_authenticated(_call(client, method, path, world))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wch_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic aHJAZXhhbXBsZS5vcmc6cGFzc3dvcmQ=",
        "wch_token-without-a-scheme",
    ],
)
def test_unknown_or_malformed_token_is_401_not_authenticated(
    world: World, authorization: str
) -> None:
    client = Client(headers={"Authorization": authorization})
    _assert_not_authenticated(client.get(f"{API}/staff"))


def test_revoked_token_is_401_not_authenticated(world: World) -> None:
    token, secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.WEB
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(f"{API}/staff").status_code == 200

    api_token_revoke(token=token, by=world.hr_admin, channel=Channel.WEB)

    _assert_not_authenticated(client.get(f"{API}/staff"))


def test_token_stops_working_when_its_owner_is_deactivated(
    api_client: MakeClient, world: World
) -> None:
    client = api_client(world.hr_admin)
    world.hr_admin.is_active = False
    world.hr_admin.save()

    _assert_not_authenticated(client.get(f"{API}/organisation"))


def test_token_stops_working_when_its_owner_leaves_the_organisation(
    api_client: MakeClient, world: World
) -> None:
    client = api_client(world.hr_admin)
    Membership.objects.filter(user=world.hr_admin, organisation=world.org).delete()

    _assert_not_authenticated(client.get(f"{API}/organisation"))


def test_token_loses_hr_routes_when_its_owner_loses_the_hr_role(
    api_client: MakeClient, world: World
) -> None:
    client = api_client(world.hr_admin)
    Membership.objects.filter(user=world.hr_admin, role=Role.HR_ADMIN).delete()

    assert_problem(client.get(f"{API}/staff"), 403, "forbidden")


def test_signed_in_browser_session_does_not_authenticate_the_api(
    client: Client, world: World
) -> None:
    client.force_login(world.hr_admin)

    _assert_not_authenticated(client.get(f"{API}/staff"))


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_token_of_someone_without_an_hr_role_is_403_forbidden_on_staff_routes(
    api_client: MakeClient, world: World, persona: str, method: str, path: str
) -> None:
    client = api_client(world.persona(persona))

    assert_problem(_call(client, method, path, world), 403, "forbidden")


def test_any_member_may_read_their_own_organisation(api_client: MakeClient, world: World) -> None:
    response = api_client(world.carer).get(f"{API}/organisation")
    partnership = world.org.partnership
    assert partnership is not None

    assert response.status_code == 200
    assert response.json() == {
        "id": world.org.pk,
        "name": "Home Trust",
        "slug": "home-org",
        "nation": world.org.nation,
        "sector": world.org.sector,
        "size_band": world.org.size_band,
        "partnership": partnership.name,
        "staff_work_bank_holidays": False,
    }


def test_token_acts_only_in_the_organisation_it_was_made_for(
    api_client: MakeClient, world: World
) -> None:
    # HR in both organisations, but the token was made in the other one.
    for role in (Role.EMPLOYEE, Role.HR_ADMIN):
        MembershipFactory.create(user=world.hr_admin, organisation=world.other_org, role=role)
    client = api_client(world.hr_admin, world.other_org)

    assert client.get(f"{API}/organisation").json()["slug"] == "other-org"
    ids = [row["id"] for row in client.get(f"{API}/staff").json()["items"]]
    assert ids == [world.outsider_record.pk]
    assert_problem(client.get(f"{API}/staff/{world.carer_record.pk}"), 404, "not_found")


def test_token_is_stored_only_as_a_hash(world: World) -> None:
    token, secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.WEB
    )

    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < len(secret) // 3
    stored = serializers.serialize("json", [*ApiToken.objects.all(), *AuditEvent.objects.all()])
    assert secret not in stored
    assert secret[len(token.prefix) :] not in stored


def test_tokens_are_unique_and_unguessable(world: World) -> None:
    secrets = {
        api_token_create(
            user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.WEB
        )[1]
        for _ in range(20)
    }
    assert len(secrets) == 20
    assert all(len(secret) >= 40 for secret in secrets)


def test_creating_a_token_is_audited_with_its_channel(world: World) -> None:
    token, _secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.COMMAND
    )

    event = AuditEvent.objects.get(object_type="api.apitoken", object_id=str(token.pk))
    assert event.actor == world.hr_admin
    assert event.channel == Channel.COMMAND
    assert event.organisation_id == world.org.pk


def test_last_used_at_is_recorded_without_a_write_on_every_request(world: World) -> None:
    token, secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.WEB
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert token.last_used_at is None
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.get(f"{API}/organisation")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        client.get(f"{API}/organisation")
    token.refresh_from_db()
    assert token.last_used_at == start  # recent enough: not written again

    later = start + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        client.get(f"{API}/organisation")
    token.refresh_from_db()
    assert token.last_used_at == later


def test_failed_authentication_does_not_touch_any_token(world: World) -> None:
    token, _secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="Sync", channel=Channel.WEB
    )
    Client(headers={"Authorization": "Bearer wch_wrong"}).get(f"{API}/organisation")

    token.refresh_from_db()
    assert token.last_used_at is None
