from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.types import AuthenticatedRequest


@require_safe
@login_required
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    # The page lists the person's organisations from the header's organisation switcher
    # (``organisations.context_processors``), which has read them for every page already.
    return render(request, "accounts/settings.html")
