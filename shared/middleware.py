"""The shared layer's middleware: every request observed, no response kept by a cache.

Responses that carry personal data must never be kept by a browser or a proxy. Nearly every
page of this product is about someone (trust rule 11), so the rule is turned round: every
response is ``no-store`` unless its view says it is public on purpose (the published key set,
issuer profiles). Static files are served by WhiteNoise before this runs and keep their
long-lived caching; they are not observed either.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from shared.logs import (
    REQUEST_ID_HEADER,
    REQUEST_ID_META,
    accepted_request_id,
    is_unobserved,
    request_id_bound,
    route_bound,
    route_of,
    route_resolved,
)
from shared.metrics import request_method_label, request_observed

request_log = logging.getLogger("carershub.requests")

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        current = response.get("Cache-Control", "")
        directives = {part.strip().split("=")[0].lower() for part in current.split(",")}
        if "public" not in directives and "no-store" not in directives:
            # Replaces "private, max-age=…" too: a private cache is still a disk on a shared PC.
            response["Cache-Control"] = NO_STORE
        return response


class RequestObservationMiddleware:
    """First in the chain, so everything after it is seen: gives the request its id (the
    proxy's ``X-Request-ID`` if it is a safe token, else a new one) for every log line made
    while serving it and every task it queues, sends the id back in the response, writes one
    line to the request log and counts the request for ``/metrics``.

    The request log names the route, never the path or its query string (either may hold a
    secret, such as a calendar feed's token), and nothing about who asked: no address, no
    user. Views marked ``shared.logs.unobserved`` are neither logged nor counted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.META[REQUEST_ID_META] = request_id
        started = time.perf_counter()
        with request_id_bound(request_id), route_bound():
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response[REQUEST_ID_HEADER] = request_id
            if not is_unobserved(request):
                method = request_method_label(request.method)
                route = route_of(request)
                request_observed(
                    method=method, route=route, status=response.status_code, seconds=seconds
                )
                request_log.info(
                    "%s %s %s",
                    method,
                    route,
                    response.status_code,
                    extra={
                        "method": method,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        """Once the URL is resolved, lines and error reports name the route."""
        route_resolved(route_of(request))
