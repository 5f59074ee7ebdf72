"""Fetching a document from an address someone typed, without reaching our own network.

An HR admin types the address of another service's key set and the server fetches it. Left
alone, that lets anyone with the role make the server call itself, its private network or a
cloud metadata service. So the name is resolved here, every address it resolves to is
vetted, and the connection goes to a vetted address (never the name again, so DNS answering
differently a moment later changes nothing). The address actually connected to is checked
once more, TLS still verifies the certificate against the host name, redirects are never
followed, and size and time are capped. Why a fetch failed is logged, never shown.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
import urllib.parse
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud instance metadata services, named so the log says what was tried.
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, Azure, GCP, OpenStack, DigitalOcean…
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchRefused(Exception):
    """The fetch was refused or failed; the message is a detail for the log, not for people."""


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it leads."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why the server may not connect to ``address`` for someone else, or None if it may."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = address_refusal(embedded)
        return f"{reason} (inside {address})" if reason else None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK else "a loopback address"
    for flag, reason in (
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, flag):
            return reason
    if not address.is_global:
        return "not a public address"  # shared (carrier-grade NAT), documentation, …
    return None


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone is not part of it


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the system's order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vetted_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address of ``host``, or FetchRefused if any of them is off limits.

    One bad address refuses the name: a name that answers with both a public and a private
    address could be steered to the private one.
    """
    try:
        found = [_address(a) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchRefused(f"{host} could not be resolved: {exc}") from exc
    if not found:
        raise FetchRefused(f"{host} resolves to no address")
    for address in found:
        reason = address_refusal(address)
        if reason:
            raise FetchRefused(f"{host} resolves to {address}, {reason}")
    return found


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's trusted authorities and the host name."""
    return ssl.create_default_context()


def _connect(address: IPAddress, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((str(address), port), timeout=timeout)
    try:
        peer = _address(sock.getpeername()[0])
        reason = address_refusal(peer)
        if peer != address or reason:
            raise FetchRefused(f"connected to {peer} instead of {address}: {reason or 'moved'}")
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to one vetted address; the Host header still carries the name."""

    def __init__(self, host: str, port: int, *, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address, self.connect_timeout = address, timeout

    def connect(self) -> None:
        self.sock = _connect(self.address, self.port, self.connect_timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to one vetted address, verifying the certificate against the *name*."""

    def __init__(self, host: str, port: int, *, address: IPAddress, timeout: float) -> None:
        self.tls = tls_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address, self.connect_timeout = address, timeout

    def connect(self) -> None:
        sock = _connect(self.address, self.port, self.connect_timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _read(response: http.client.HTTPResponse, *, max_bytes: int, deadline: float) -> bytes:
    """The body, up to ``max_bytes``, by the deadline.

    ``read1`` waits for one socket read at most (each bounded by the socket's timeout), so a
    server trickling a byte at a time is caught by the deadline check between reads.
    """
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"the answer declares {declared} bytes, over {max_bytes}")
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchRefused("the answer took too long")
        chunk = response.read1(min(64 * 1024, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise FetchRefused(f"the answer is over {max_bytes} bytes")


def for_log(url: str) -> str:
    """The address without user information or query, which could carry secrets."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
    except ValueError:
        return "(an address that cannot be parsed)"


def fetch(
    url: str,
    *,
    schemes: frozenset[str],
    max_bytes: int,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> bytes:
    """GET ``url`` and return the body of a 200 answer; FetchRefused for anything else."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"not an address: {exc}") from exc
    host = parts.hostname
    if parts.scheme not in schemes or not host:
        raise FetchRefused(f"scheme {parts.scheme!r} not allowed, or no host")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("the address carries user information")
    port = port or (443 if parts.scheme == "https" else 80)
    deadline = time.monotonic() + timeout
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    problems: list[str] = []
    for address in vetted_addresses(host, port):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        connection = connection_class(host, port, address=address, timeout=remaining)
        try:
            connection.request("GET", target, headers=headers or {})
            response = connection.getresponse()
            if response.status != 200:
                location = response.getheader("Location")
                where = f", redirecting to {location}" if location else ""
                raise FetchRefused(f"{address} answered {response.status}{where}")
            return _read(response, max_bytes=max_bytes, deadline=deadline)
        except (OSError, http.client.HTTPException) as exc:
            # Unreachable or broken at this address (TLS failures included): try the next.
            problems.append(f"{address}: {exc!r}")
        finally:
            connection.close()
    raise FetchRefused("; ".join(problems) or "no time left to connect")


def log_refusal(url: str, error: Any) -> None:
    logger.warning("Refused or failed to fetch %s: %s", for_log(url), error)
