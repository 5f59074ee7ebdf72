"""How many API requests a token, or an address without one, may make in each window.

Every request under ``/api/`` is counted before anything else reads it: per token for a
request carrying an unrevoked token, otherwise per client address (``shared.proxies``, so
behind a proxy it is the client's and not the proxy's; an IPv6 client by its /64, which one
household or server holds whole). The counter is a fixed window in the ``api_rate`` cache:
with Redis, shared by every web process, ``cache.add`` starts the window's count and
``cache.incr`` adds to it atomically, so two processes never both take the last request.
Without Redis it is each process's memory, never the shared database cache, whose entries
(sign-in limits, used two-factor codes) the counters must not crowd out. Past the limit the answer is a 429 problem with ``Retry-After``, the
seconds until the window ends. Limits are settings (``API_RATE_LIMIT``,
``API_RATE_LIMIT_ANONYMOUS``, ``API_RATE_LIMIT_WINDOW``; docs/configuration.md); 0 turns
one off.
"""

from __future__ import annotations

import ipaddress
import json
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from api.middleware import API_PREFIX
from api.problems import CONTENT_TYPE
from api.services import api_token_id
from shared.proxies import client_ip


def _bearer(request: HttpRequest) -> str | None:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def caller(request: HttpRequest) -> tuple[str, int]:
    """The counter's name for this request's caller, and its limit in each window."""
    secret = _bearer(request)
    token = api_token_id(secret) if secret else None
    if token is not None:
        return f"token:{token}", settings.API_RATE_LIMIT
    return f"ip:{_network(client_ip(request))}", settings.API_RATE_LIMIT_ANONYMOUS


def _network(address: str) -> str:
    """An IPv6 address by its /64: whoever holds one address holds them all."""
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return address
    if found.version == 6:
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return str(found)


def count(name: str, *, limit: int, window: int, now: float) -> int | None:
    """Count one request for ``name``; the seconds to wait if it is over ``limit``, else
    ``None``."""
    start = int(now // window) * window
    key = f"api-rate:{name}:{start}"
    cache = caches["api_rate"]
    # The key outlives its window a little, so a slow clock cannot read an expired count.
    cache.add(key, 0, timeout=window + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between the two calls: this is the window's first request
        cache.set(key, 1, timeout=window + 5)
        used = 1
    if used <= limit:
        return None
    return max(1, math.ceil(start + window - now))


def too_many(wait: int) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": "Too many requests",
        "status": 429,
        "detail": f"Wait {wait} seconds before the next request.",
        "code": "rate_limited",
    }
    response = HttpResponse(json.dumps(body), status=429, content_type=CONTENT_TYPE)
    response["Retry-After"] = str(wait)
    return response


class ApiRateLimitMiddleware:
    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limits_on = settings.API_RATE_LIMIT or settings.API_RATE_LIMIT_ANONYMOUS
        if limits_on and request.path.startswith(API_PREFIX):
            name, limit = caller(request)
            if limit:
                wait = count(
                    name, limit=limit, window=settings.API_RATE_LIMIT_WINDOW, now=self.clock()
                )
                if wait is not None:
                    return too_many(wait)
        return self.get_response(request)
