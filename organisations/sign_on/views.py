"""The configuration page, and the step from the sign-in page to the organisation's provider."""

from __future__ import annotations

import logging

import requests
from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Channel
from organisations.access import org_view
from organisations.models import SignOn
from organisations.sign_on.forms import SignOnForm, SignOnStartForm
from organisations.sign_on.selectors import sign_on_by_provider_id, sign_on_for, sign_on_for_email
from organisations.sign_on.services import SignOnSettings, sign_on_save
from organisations.types import OrgRequest
from shared.forms import attempt

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
@org_view("organisations.manage_sign_on")
def sign_on_settings(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    sign_on = sign_on_for(organisation=organisation)
    initial = (
        {
            "server_url": sign_on.app.settings.get("server_url", ""),
            "client_id": sign_on.app.client_id,
            "email_domains": " ".join(sign_on.domains),
            "required": sign_on.required,
            "version": sign_on.version,
        }
        if sign_on
        else {"version": 0}
    )
    form = SignOnForm(request.POST or None, initial=initial, has_secret=sign_on is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: sign_on_save(
                organisation=organisation,
                settings=SignOnSettings(
                    server_url=data["server_url"],
                    client_id=data["client_id"],
                    client_secret=data["client_secret"],
                    email_domains=data["email_domains"],
                    required=data["required"],
                ),
                by=request.user,
                channel=Channel.WEB,
                expected_version=data["version"] if data["version"] is not None else 0,
            ),
        )
        if saved is not None:
            changed = saved[1]
            messages.success(
                request, _("Single sign-on saved.") if changed else _("Nothing has changed.")
            )
            return redirect("organisations:sign_on", org_slug=organisation.slug)
    redirect_uri = login_url = ""
    if sign_on is not None:
        provider_id = sign_on.app.provider_id
        redirect_uri = request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
        )
        login_url = request.build_absolute_uri(
            reverse("openid_connect_login", kwargs={"provider_id": provider_id})
        )
    return render(
        request,
        "organisations/sign_on.html",
        {
            "organisation": organisation,
            "form": form,
            "sign_on": sign_on,
            "redirect_uri": redirect_uri,
            "login_url": login_url,
        },
    )


@require_http_methods(["GET", "POST"])
def sign_on_start(request: HttpRequest) -> HttpResponse:
    """Find the person's organisation by their work email's domain and send them to its
    provider. An address no single organisation claims gets the same plain answer."""
    # An invitation accepted in an organisation that requires single sign-on comes here with
    # the address filled in, should its provider not have answered straight away.
    form = SignOnStartForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    next_url = get_next_redirect_url(request) or ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        sign_on = sign_on_for_email(email)
        if sign_on is None:
            form.add_error(
                "email",
                _(
                    "We cannot tell your organisation from this address. Use the sign-in link "
                    "your organisation gave you, or sign in with your password."
                ),
            )
        else:
            answer = to_provider(request, sign_on=sign_on, email=email, next_url=next_url)
            if answer is not None:
                return answer
            form.add_error(
                None,
                _(
                    "Your organisation's sign-in service did not answer. Try again in a few minutes."
                ),
            )
    return render(request, "organisations/sign_on_start.html", {"form": form, "next": next_url})


@require_POST
def sign_on_link(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The organisation's own sign-in link (allauth's confirmation page) goes on from here, so
    that its form is answered by a page with a link, never a redirect to another site."""
    sign_on = sign_on_by_provider_id(provider_id)
    if sign_on is None:
        raise Http404
    next_url = get_next_redirect_url(request) or ""
    answer = to_provider(request, sign_on=sign_on, email="", next_url=next_url)
    if answer is not None:
        return answer
    messages.error(
        request,
        _("Your organisation's sign-in service did not answer. Try again in a few minutes."),
    )
    return redirect("organisations:sign_on_start")


def to_provider(
    request: HttpRequest, *, sign_on: SignOn, email: str, next_url: str
) -> HttpResponse | None:
    """A page with the way on to the organisation's provider, suggesting ``email``; None if it
    did not answer (down or misconfigured: logged without the address).

    A page, not a redirect: this answers a form, and the site's Content-Security-Policy
    (``form-action 'self'``) rightly stops a form's answer from sending the browser to another
    site. Following a link is not a form, so the provider's address need not be allowed.
    """
    provider = sign_on.app.get_provider(request)
    try:
        redirect_to = provider.redirect(
            request,
            process=AuthProcess.LOGIN,
            next_url=next_url or None,
            auth_params={
                **provider.get_auth_params(),
                **({"login_hint": email} if email else {}),
            },
        )
    except (requests.RequestException, OAuth2Error, ValueError, KeyError):
        logger.warning("Single sign-on provider did not answer", exc_info=False)
        return None
    return render(
        request,
        "organisations/sign_on_continue.html",
        {"sign_on": sign_on, "location": redirect_to["Location"]},
    )
