"""Clients that call the API with a token, for the personas in ``carershub.tests.personas``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from api.services import api_token_create
from audit.models import Channel
from carershub.tests.personas import World
from organisations.models import Organisation

MakeClient = Callable[..., Client]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """The personas all get passwords; the production hasher would make each test take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client(world: World) -> MakeClient:
    """``api_client(user, organisation=world.org)``: a client sending a fresh token of ``user``."""

    def make(user: User, organisation: Organisation | None = None) -> Client:
        _token, secret = api_token_create(
            user=user,
            organisation=organisation or world.org,
            name="Test token",
            channel=Channel.COMMAND,
        )
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def hr_api(api_client: MakeClient, world: World) -> Client:
    """HR admin of the home organisation."""
    return api_client(world.hr_admin)


@pytest.fixture
def outsider_api(api_client: MakeClient, world: World) -> Client:
    """HR and organisation admin of the other organisation, and of nothing else."""
    return api_client(world.outsider, world.other_org)
