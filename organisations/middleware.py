"""Switches each signed-in request to the person's language (organisations.languages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from organisations.languages import language_for_request


class PersonLanguageMiddleware:
    """After Django's ``LocaleMiddleware`` (a browser's cookie or ``Accept-Language``) and
    after sign-in is known: a signed-in person's own or organisation's language wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for_request(request)
        if language is not None and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        # LocaleMiddleware's response step names the language active by then: this one.
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        """On an organisation's page, that organisation's default (for someone who has not
        chosen), even on the first page of it before it becomes the one last opened."""
        slug = kwargs.get("org_slug")
        if not isinstance(slug, str):
            return
        language = language_for_request(request, slug)
        if language is not None and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
