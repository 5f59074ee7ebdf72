from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ApiTokenForm
from api.selectors import (
    access_organisation_token,
    access_personal_token,
    organisation_tokens,
    personal_tokens_of,
)
from api.services import api_token_create, api_token_revoke
from audit.models import Channel
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.once import one_submission, submission_done


@never_cache
@require_http_methods(["GET", "POST"])
@org_view("api.manage_tokens")
@one_submission
def token_list(request: OrgRequest) -> HttpResponse:
    """Tokens act as the person who made them; the secret is shown once, on this response only."""
    organisation = request.organisation
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = api_token_create(
            user=request.user,
            organisation=organisation,
            name=form.cleaned_data["name"],
            channel=Channel.WEB,
        )
        # Shown once, on this page: a repeat of the form comes back here without a second token.
        submission_done(request)
        form = ApiTokenForm()
    # Personal tokens are their owners' business, and may be for reading a passport.
    tokens = organisation_tokens(organisation=organisation)
    return render(
        request,
        "api/token_list.html",
        {"organisation": organisation, "form": form, "tokens": tokens, "secret": secret},
    )


@require_POST
@org_view("api.manage_tokens")
def token_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    token = access_organisation_token(organisation=organisation, pk=pk)
    api_token_revoke(token=token, by=request.user, channel=Channel.WEB)
    messages.success(request, _("Token revoked. Systems using it can no longer connect."))
    return redirect("api:token_list", org_slug=organisation.slug)


@never_cache
@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def personal_tokens(request: OrgRequest) -> HttpResponse:
    """Anyone's own tokens, for apps that read their own records (such as their passport)."""
    organisation = request.organisation
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = api_token_create(
            user=request.user,
            organisation=organisation,
            name=form.cleaned_data["name"],
            channel=Channel.WEB,
            personal=True,
        )
        submission_done(request)
        form = ApiTokenForm()
    tokens = personal_tokens_of(user=request.user, organisation=organisation)
    return render(
        request,
        "api/personal_tokens.html",
        {"organisation": organisation, "form": form, "tokens": tokens, "secret": secret},
    )


@require_POST
@org_view("organisations.use_organisation")
def personal_token_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    token = access_personal_token(viewer=request.user, organisation=organisation, pk=pk)
    api_token_revoke(token=token, by=request.user, channel=Channel.WEB)
    messages.success(request, _("Token revoked. Apps using it can no longer connect."))
    return redirect("api:personal_tokens", org_slug=organisation.slug)
