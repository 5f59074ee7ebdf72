from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import DigestForm, LanguageForm
from accounts.hooks import panels_for
from accounts.models import DigestFrequency
from accounts.services import digest_choose, language_choose
from accounts.types import AuthenticatedRequest
from shared.languages import is_language


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


def _remember_language(response: HttpResponse, language: str) -> None:
    """Keep the choice on this browser (Django's language cookie); "" forgets it."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite="Lax",
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switcher on every page: back to the same page (never to another site) in
    the language chosen, kept on this browser and, for someone signed in, on their account,
    so that emails and their other browsers follow it. A language the site does not have
    changes nothing."""
    # Back to the page the switch was on (the browser says which, this site's pages sending
    # their address to this site alone); the page's own address is not repeated in a form,
    # where a private link (a calendar feed's, say) would be shown a second time.
    back = "/"
    for candidate in (request.POST.get("next", ""), request.headers.get("referer", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = candidate
            break
    response = HttpResponseRedirect(back)
    language = request.POST.get("language", "")
    if is_language(language):
        _remember_language(response, language)
        if request.user.is_authenticated:
            language_choose(user=request.user, language=language)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def language_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Choose a language for good, or go back to following the organisation's."""
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        if language_choose(user=request.user, language=language):
            messages.success(request, _("Saved."))
        response = redirect("accounts:settings")
        # With no choice of their own, the browser's would otherwise still win over the
        # organisation's; so it is forgotten.
        _remember_language(response, language)
        return response
    return render(request, "accounts/language.html", {"form": form})
