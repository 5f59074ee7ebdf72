"""The server talks to providers only at public addresses, over HTTPS, never following a
redirect: the check runs on the address each connection reached, so a name that resolves
inside the network after it was saved (DNS rebinding) is refused too."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests

from organisations.sign_on.adapter import SignOnAdapter
from organisations.sign_on.fetching import NotPublic, is_public


class _Redirecting(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _session() -> requests.Session:
    return SignOnAdapter().get_requests_session()


def test_an_address_inside_the_network_is_refused_when_connecting(settings, local_server):
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    with pytest.raises(requests.ConnectionError, match="inside the network"):
        # https to a server on this machine: refused before a byte is sent
        _session().get(f"https://{local_server}/.well-known/openid-configuration")


def test_a_name_that_resolves_to_this_machine_is_refused(settings, local_server):
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    port = local_server.split(":")[1]
    with pytest.raises(requests.ConnectionError, match="inside the network"):
        _session().get(f"https://localhost:{port}/")


def test_plain_http_is_refused(settings):
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    with pytest.raises(NotPublic):
        _session().get("http://accounts.example.com/.well-known/openid-configuration")


def test_a_redirect_is_never_followed(settings, local_server):
    settings.SSO_ALLOW_HTTP_PROVIDERS = True  # the only way to reach a local server
    response = _session().get(f"http://{local_server}/")
    assert response.status_code == 302
    assert response.url == f"http://{local_server}/"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("169.254.169.254", False),
        ("10.0.0.1", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("2001:4860:4860::8888", True),
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(address) is public
