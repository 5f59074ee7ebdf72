from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from organisations.selectors import has_left, led_partnerships, organisations_for


def organisation_switcher(request: HttpRequest) -> dict[str, Any]:
    """The header's organisation switcher, from the memberships the request has already read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(request, "organisation", None)
    return {
        "switcher_organisations": organisations_for(user=user),
        "current_organisation": current,
        # Someone who has left holds no power there: no search, for instance.
        "current_organisation_left": current is not None
        and has_left(user=user, organisation=current),
        "led_partnerships": led_partnerships(user=user),
    }
