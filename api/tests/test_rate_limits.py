"""API rate limits: per token, or per address without a valid token; a 429 problem with
``Retry-After`` past the limit, and a fresh allowance when the window ends."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from api.rate_limits import ApiRateLimitMiddleware
from api.tests.helpers import API, assert_problem

pytestmark = pytest.mark.django_db
URL = f"{API}/organisation"


@pytest.fixture
def limits(settings, monkeypatch):
    """Three calls a minute with a token, two without; the clock at 30 s into a window."""
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_ANONYMOUS = 2
    settings.API_RATE_LIMIT_WINDOW = 60
    caches["api_rate"].clear()
    now = {"t": 1_800_000_030.0}
    monkeypatch.setattr(ApiRateLimitMiddleware, "clock", staticmethod(lambda: now["t"]))
    yield now
    caches["api_rate"].clear()


def test_a_token_past_its_limit_gets_429_with_retry_after(limits, hr_api):
    for _ in range(3):
        assert hr_api.get(URL).status_code == 200
    response = hr_api.get(URL)
    body = assert_problem(response, 429, "rate_limited")
    assert response["Retry-After"] == "30"
    assert "30 seconds" in body["detail"]
    assert "no-store" in response["Cache-Control"]


def test_the_allowance_comes_back_when_the_window_ends(limits, hr_api):
    for _ in range(3):
        hr_api.get(URL)
    assert hr_api.get(URL).status_code == 429
    limits["t"] += 30
    assert hr_api.get(URL).status_code == 200


def test_each_token_has_its_own_count(limits, hr_api, outsider_api):
    for _ in range(3):
        hr_api.get(URL)
    assert hr_api.get(URL).status_code == 429
    assert outsider_api.get(URL).status_code == 200


def test_calls_without_a_valid_token_are_counted_by_address(limits, hr_api):
    anonymous = Client(REMOTE_ADDR="198.51.100.7")
    wrong = Client(REMOTE_ADDR="198.51.100.7", headers={"Authorization": "Bearer wch_guess"})
    assert_problem(anonymous.get(URL), 401, "not_authenticated")
    assert_problem(wrong.get(URL), 401, "not_authenticated")
    # A made-up token does not buy a fresh allowance.
    response = Client(
        REMOTE_ADDR="198.51.100.7", headers={"Authorization": "Bearer wch_another"}
    ).get(URL)
    assert_problem(response, 429, "rate_limited")
    assert Client(REMOTE_ADDR="198.51.100.8").get(URL).status_code == 401
    # A valid token is counted as itself, not by the address it comes from.
    assert hr_api.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_routes_the_api_does_not_have_are_counted_too(limits):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(2):
        assert client.get(f"{API}/no-such-route").status_code in (401, 404)
    assert_problem(client.get(f"{API}/no-such-route"), 429, "rate_limited")


def test_a_limit_of_nought_turns_counting_off(limits, settings, hr_api):
    settings.API_RATE_LIMIT = 0
    for _ in range(5):
        assert hr_api.get(URL).status_code == 200


def test_pages_are_not_counted(limits, client):
    for _ in range(4):
        assert client.get("/").status_code != 429


def test_the_openapi_document_lists_429_on_every_operation(client):
    document = client.get(f"{API}/openapi.json").json()
    for item in document["paths"].values():
        for operation in item.values():
            too_many = operation["responses"]["429"]
            assert "Retry-After" in too_many["headers"]


def test_an_ipv6_client_is_counted_by_its_64_block(limits, client):
    """One household or server holds a whole /64: changing the last bits is no new allowance."""
    for last in ("1", "2"):
        client.get(URL, REMOTE_ADDR=f"2001:db8:1:2::{last}")
    response = client.get(URL, REMOTE_ADDR="2001:db8:1:2::ffff")
    assert response.status_code == 429
    assert client.get(URL, REMOTE_ADDR="2001:db8:1:3::1").status_code != 429


def test_the_counters_never_go_to_the_shared_cache(limits, client):
    from django.core.cache import cache

    cache.clear()
    client.get(URL)
    assert not [key for key in cache._cache if "api-rate" in key]  # type: ignore[attr-defined]
