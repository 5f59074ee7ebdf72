"""How the server talks to an organisation's provider: only to public addresses, over HTTPS,
never following a redirect.

The issuer address is checked when it is saved (``forms.issuer_address``), but a name can
resolve elsewhere later (DNS rebinding), and the discovery document names further addresses
(token, userinfo, keys) that were never checked. Whoever sets up a provider must not be able to
make the server read the cloud's metadata service, a database or this machine. So every
connection made for single sign-on checks the address it actually reached before sending a
byte, and refuses a redirect, which could point anywhere.

Behind an outgoing proxy (``HTTPS_PROXY``), the connection reaches the proxy, so the check is
made on what the provider's name resolves to instead, just before the request.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount import app_settings
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class NotPublic(requests.ConnectionError):
    """The provider's address is inside the network, or not HTTPS."""


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def _checked(connection: HTTPConnection, sock: socket.socket) -> socket.socket:
    if settings.SSO_ALLOW_HTTP_PROVIDERS:
        return sock  # the tests' own provider runs on this machine
    if getattr(connection, "_tunnel_host", None):
        return sock  # the outgoing proxy: the provider's name was checked before the request
    peer = sock.getpeername()[0]
    if not is_public(peer):
        sock.close()
        raise NotPublic("Single sign-on refused an address inside the network")
    return sock


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(self, super()._new_conn())


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(self, super()._new_conn())


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """Connections that check the address they reached (see the module's notes)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPPool,
            "https": _PublicHTTPSPool,
        }
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


def _resolves_to_public(host: str) -> bool:
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(is_public(str(address)) for address in found)


def provider_session() -> requests.Session:
    """A requests session for talking to providers: allauth's timeout, no redirects, HTTPS to
    public addresses only (plain HTTP and this machine only in the tests)."""
    session = requests.Session()
    adapter = PublicOnlyAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    request = session.request

    def guarded(method: str, url: str, **kwargs: Any) -> requests.Response:
        parts = urlsplit(url)
        if not settings.SSO_ALLOW_HTTP_PROVIDERS:
            if parts.scheme != "https":
                raise NotPublic("Single sign-on talks to providers over HTTPS only")
            proxies = requests.utils.get_environ_proxies(url) if session.trust_env else {}
            if proxies.get("https") and not _resolves_to_public(parts.hostname or ""):
                raise NotPublic("Single sign-on refused an address inside the network")
        kwargs["allow_redirects"] = False
        kwargs.setdefault("timeout", app_settings.REQUESTS_TIMEOUT)
        return request(method, url, **kwargs)

    session.request = guarded  # type: ignore[method-assign, assignment]
    return session
