"""Fixtures for credentials: a stand-in for another deployment, and API clients."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from jwcrypto.jwk import JWK
from pytest_django.fixtures import Settings

from accounts.models import User
from api.services import api_token_create
from audit.models import Channel
from carershub.tests.personas import World
from organisations.models import Organisation


@dataclass
class RemoteDeployment:
    """Another Working Carers Hub (or any JOSE issuer) serving a JWK Set over plain HTTP."""

    base_url: str
    key: JWK
    document: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    #: The Host header of every request received, in order.
    requests: list[str] = field(default_factory=list)

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    @property
    def kid(self) -> str:
        return str(self.key.thumbprint())

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/issuers/remote-employer"

    def public_jwk(self, **extra: Any) -> dict[str, Any]:
        public = self.key.export_public(as_dict=True)
        return {**public, "kid": self.kid, "alg": "EdDSA", "use": "sig", **extra}


@pytest.fixture
def remote(settings: Settings) -> Iterator[RemoteDeployment]:
    """A tiny HTTP server in a thread; tests change ``document`` to change what it serves.

    It listens on loopback, which key set fetches refuse unless this test-only setting
    lets them through (tests of the refusal turn it off again).
    """
    settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK = True
    state: dict[str, RemoteDeployment] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            deployment = state["remote"]
            deployment.requests.append(self.headers.get("Host", ""))
            body = json.dumps(deployment.document).encode()
            self.send_response(deployment.status)
            if 300 <= deployment.status < 400:
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    deployment = RemoteDeployment(
        base_url=f"http://127.0.0.1:{server.server_address[1]}",
        key=JWK.generate(kty="OKP", crv="Ed25519"),
    )
    deployment.document = {"keys": [deployment.public_jwk(issuer=deployment.issuer)]}
    state["remote"] = deployment
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield deployment
    server.shutdown()
    server.server_close()


MakeClient = Callable[..., Client]


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
