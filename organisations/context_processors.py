from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from organisations.models import Partnership
from organisations.selectors import organisations_for


def organisation_switcher(request: HttpRequest) -> dict[str, Any]:
    """The header's organisation switcher; evaluated lazily so pages that skip it pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_organisations": organisations_for(user=user),
        "current_organisation": getattr(request, "organisation", None),
        "led_partnerships": Partnership.objects.filter(leads__user=user).order_by("name"),
    }
