"""Send people whose role needs MFA to set it up before they can do anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.selectors import has_mfa, mfa_required

_SESSION_KEY = "mfa_checked"
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/accessibility", "/privacy", "/api/")


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(_SESSION_KEY) != user.role_stamp
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if mfa_required(user=user) and not has_mfa(user=user):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            # Checked once per session until the user gains an admin role (role_stamp).
            request.session[_SESSION_KEY] = user.role_stamp
        return self.get_response(request)
