from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from organisations.selectors import led_partnerships, organisations_for


def organisation_switcher(request: HttpRequest) -> dict[str, Any]:
    """The header's organisation switcher, from the memberships the request has already read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_organisations": organisations_for(user=user),
        "current_organisation": getattr(request, "organisation", None),
        "led_partnerships": led_partnerships(user=user),
    }
