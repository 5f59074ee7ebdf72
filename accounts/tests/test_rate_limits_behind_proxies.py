"""Failed sign-ins are counted per client, behind a proxy too, and a forged header buys nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from shared.proxies import client_ip

PROXY = "10.0.0.5"
LIMITED = "Too many failed login attempts"


@pytest.fixture
def three_failures_per_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    cache.clear()
    yield
    cache.clear()


def fail_sign_in(client, n: int, **headers: str) -> str:
    """A failed sign-in for a different address each time, so only the per-client limit counts."""
    response = client.post(
        "/accounts/login/",
        {"login": f"someone{n}@example.org", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        headers=headers,
    )
    return response.content.decode()


def test_two_people_behind_one_trusted_proxy_are_counted_separately(
    client, db, settings, three_failures_per_address
):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        assert LIMITED not in fail_sign_in(client, n, x_forwarded_for="203.0.113.1")
    assert LIMITED in fail_sign_in(client, 3, x_forwarded_for="203.0.113.1")
    # Someone else coming through the same proxy is not locked out by the first.
    assert LIMITED not in fail_sign_in(client, 4, x_forwarded_for="203.0.113.2")


def test_a_client_cannot_escape_the_limit_by_writing_its_own_forwarded_header(
    client, db, settings, three_failures_per_address
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the real address after whatever the client sent.
    for n in range(3):
        fail_sign_in(client, n, x_forwarded_for=f"198.51.100.{n}, 203.0.113.1")
    assert LIMITED in fail_sign_in(client, 3, x_forwarded_for="198.51.100.9, 203.0.113.1")


def test_forwarded_headers_are_ignored_when_no_proxy_is_trusted(
    client, db, three_failures_per_address
):
    for n in range(3):
        fail_sign_in(client, n, x_forwarded_for=f"198.51.100.{n}")
    assert LIMITED in fail_sign_in(client, 3, x_forwarded_for="198.51.100.99")


@pytest.mark.parametrize(
    ("proxies", "header", "forwarded", "expected"),
    [
        (0, "", "203.0.113.1", PROXY),  # nothing trusted: the connection's address
        (1, "", "203.0.113.1", "203.0.113.1"),
        (2, "", "198.51.100.1, 203.0.113.1, 10.0.0.4", "203.0.113.1"),
        (2, "", "203.0.113.1", PROXY),  # fewer hops than proxies: it bypassed one
        (1, "", "not an address", PROXY),
        (1, "", "203.0.113.1:51234", "203.0.113.1"),
        (1, "", "[2001:db8::1]:443", "2001:db8::1"),
        (0, "X-Real-IP", "", "203.0.113.7"),
    ],
)
def test_client_address_is_read_through_the_trusted_proxies_only(
    settings, proxies, header, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_CLIENT_IP_HEADER = header
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded, "x-real-ip": "203.0.113.7"}
    )
    assert client_ip(request) == expected


def test_a_trusted_client_header_that_is_missing_falls_back_to_the_connection(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY)) == PROXY
