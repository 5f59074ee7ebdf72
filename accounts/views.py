from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import DigestForm
from accounts.hooks import panels_for
from accounts.models import DigestFrequency
from accounts.services import digest_choose
from accounts.types import AuthenticatedRequest


@require_http_methods(["GET", "POST"])
@login_required
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    # The page lists the person's organisations from the header's organisation switcher
    # (``organisations.context_processors``), which has read them for every page already.
    form = DigestForm(request.POST or None, initial={"waiting_digest": request.user.waiting_digest})
    if request.method == "POST" and form.is_valid():
        frequency = DigestFrequency(form.cleaned_data["waiting_digest"])
        if digest_choose(user=request.user, frequency=frequency):
            messages.success(request, _("Saved. %(choice)s.") % {"choice": frequency.label})
        return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", {"form": form, "panels": panels_for(request.user)}
    )
