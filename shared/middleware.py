"""Responses that carry personal data must never be kept by a browser or a proxy.

Nearly every page of this product is about someone (trust rule 11), so the rule is turned
round: every response is ``no-store`` unless its view says it is public on purpose (the
published key set, issuer profiles). Static files are served by WhiteNoise before this runs
and keep their long-lived caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

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
