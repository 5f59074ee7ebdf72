"""A real OpenID Provider for the single sign-on tests, and a person signing in through it.

``scripts/oidc-provider/provider.mjs`` runs panva's oidc-provider, a certified OpenID
Provider (an npm package that ``make oidc-provider`` installs in ``scripts/oidc-provider/``),
on a free loopback port. The site reaches it over HTTP as it would reach Microsoft Entra ID or
Google: discovery, the authorisation redirect, the code exchange, userinfo and the signed ID
token are the provider's own; nothing in the site's process is patched.

A test registers one client per organisation (``add_client``), says who may sign in and with
what claims (``set_account``: ``email``, ``email_verified``), and then ``sign_in`` walks the
browser's part with the test client on our side and a plain HTTP session on the provider's,
typing the login name into the provider's own sign-in page.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from carershub.tests.object_stores import _serve
from carershub.tests.private_servers import free_port

SCRIPT = Path(__file__).resolve().parents[2] / "scripts/oidc-provider/provider.mjs"
INSTALLED = SCRIPT.parent / "node_modules/oidc-provider"
SITE = "http://testserver"


class OidcProvider:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients: list[dict[str, Any]] = []
        self.accounts: dict[str, dict[str, Any]] = {}
        self.server: subprocess.Popen[bytes] | None = None
        self._write_accounts()

    def _write_accounts(self) -> None:
        (self.directory / "accounts.json").write_text(json.dumps(self.accounts))

    def add_client(
        self, *, client_id: str, client_secret: str, provider_id: str, site: str = SITE
    ) -> None:
        """Register our site with the provider, as HR does with Entra ID or Google; ``site``
        is where the browser comes back to (the live server, for a browser journey)."""
        assert self.server is None, "register every client before the first sign-in"
        callback = reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
        self.clients.append(
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": [site + callback],
            }
        )

    def set_account(self, login: str, **claims: Any) -> None:
        """Who the provider knows, by login name; read again at every sign-in."""
        self.accounts[login] = claims
        self._write_accounts()

    def start(self) -> None:
        if self.server is not None:
            return
        config = self.directory / "config.json"
        config.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "clients": self.clients,
                    "accounts": str(self.directory / "accounts.json"),
                }
            )
        )
        self.server, _address = _serve(
            ["node", str(SCRIPT), str(config)],
            self.directory / "provider.log",
            r"listening on (http://127\.0\.0\.1:\d+)",
        )

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)

    def sign_in(self, client: Client, start: Any, *, login: str) -> Any:
        """Follow ``start`` (our response that sends the browser to the provider) through the
        provider's sign-in and consent pages as ``login``, back to our site; returns our
        response to the provider's redirect."""
        self.start()
        # Our answer is a page with a link on to the provider (a form's answer may not send
        # the browser to another site: form-action 'self').
        assert start.status_code == 200, start.status_code
        found = re.search(r'href="([^"]+)"[^>]*data-provider-location', start.content.decode())
        assert found is not None, "no link on to the provider"
        location = html.unescape(found.group(1))
        assert location.startswith(self.issuer), location
        browser = requests.Session()
        response = browser.get(location, allow_redirects=False, timeout=10)
        for _step in range(20):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if location.startswith(SITE):
                    parts = urlsplit(location)
                    return client.get(f"{parts.path}?{parts.query}")
                response = browser.get(location, allow_redirects=False, timeout=10)
                continue
            assert response.status_code == 200, response.text[:500]
            action, fields = _form(response.text)
            if "login" in fields:
                fields.update(login=login, password="any password")
            response = browser.post(
                urljoin(response.url, action), data=fields, allow_redirects=False, timeout=10
            )
        raise AssertionError("the provider never sent the browser back")


def _form(page: str) -> tuple[str, dict[str, str]]:
    """The first form on one of the provider's pages: where it posts, and its fields."""
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", page, re.S)
    assert form is not None, page[:500]
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form.group(2)):
        name = re.search(r"name=\"([^\"]+)\"", tag)
        value = re.search(r"value=\"([^\"]*)\"", tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return html.unescape(form.group(1)), fields


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[OidcProvider]:
    if not INSTALLED.exists():
        message = f"oidc-provider is not installed in {SCRIPT.parent}: run make oidc-provider"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    provider = OidcProvider(tmp_path)
    try:
        yield provider
    finally:
        provider.stop()
