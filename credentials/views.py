from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Channel
from credentials.forms import RevokeKeyForm, RotateKeyForm, TrustedIssuerForm
from credentials.jwks import public_key_of, published_jwks
from credentials.selectors import (
    access_signing_key,
    access_trusted_issuer,
    public_issuer,
    signing_keys_of,
    trusted_issuers_of,
)
from credentials.services import (
    issuer_id,
    issuer_url,
    jwks_url,
    revoke_key,
    rotate_key,
    trusted_issuer_add_by_url,
    trusted_issuer_add_pasted,
    trusted_issuer_refresh,
    trusted_issuer_remove,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import add_validation_errors
from shared.once import one_submission

#: Verifiers cache the key set this long, so a revocation reaches them within five minutes.
PUBLIC_MAX_AGE = 300


def _public_json(body: dict[str, object]) -> JsonResponse:
    response = JsonResponse(body, json_dumps_params={"indent": None})
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    # Public keys are meant to be read by anyone, including verifiers running in a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    """Every organisation's public keys on this deployment, and the ones revoked."""
    return _public_json(published_jwks())


@require_safe
def public_key(request: HttpRequest, kid: str) -> HttpResponse:
    """One public key by its id, as the ``kid`` URL of an Open Badge points at it. A revoked
    key is gone (410), with when it was revoked; an unknown one is not found."""
    found = public_key_of(kid=kid)
    if found is None:
        raise Http404
    response = _public_json(found)
    if "revoked_at" in found:
        response.status_code = 410
    return response


@require_safe
def issuer_profile(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What an issuer id points at: the organisation's name and where its keys are."""
    issuer = public_issuer(public_id=public_id)
    return _public_json(
        {
            "id": issuer_url(issuer.public_id),
            "type": ["Profile"],
            "name": issuer.organisation.name,
            "jwks_uri": jwks_url(),
        }
    )


# Trusted issuers ---------------------------------------------------------------------------


@require_safe
@org_view("credentials.manage_trusted_issuers")
def trusted_issuer_list(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    issuers = trusted_issuers_of(organisation=organisation)
    return render(
        request,
        "credentials/trusted_issuer_list.html",
        {
            "organisation": organisation,
            "issuers": issuers,
            "own_jwks_url": jwks_url(),
            "own_issuer_id": issuer_id(organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("credentials.manage_trusted_issuers")
@one_submission
def trusted_issuer_add(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = TrustedIssuerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["jwks_url"]:
                trusted = trusted_issuer_add_by_url(
                    organisation=organisation,
                    name=data["name"],
                    url=data["jwks_url"],
                    issuer=data["issuer"],
                    by=request.user,
                    channel=Channel.WEB,
                )
            else:
                trusted = trusted_issuer_add_pasted(
                    organisation=organisation,
                    name=data["name"],
                    jwks_text=data["jwks_json"],
                    issuer=data["issuer"],
                    by=request.user,
                    channel=Channel.WEB,
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Your organisation now trusts credentials from %(name)s.")
                % {"name": trusted.name},
            )
            return redirect("credentials:trusted_issuer_list", org_slug=organisation.slug)
    return render(
        request, "credentials/trusted_issuer_add.html", {"organisation": organisation, "form": form}
    )


@require_POST
@org_view("credentials.manage_trusted_issuers")
def trusted_issuer_refresh_view(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    trusted = access_trusted_issuer(organisation=organisation, pk=pk)
    try:
        trusted_issuer_refresh(trusted_issuer=trusted, by=request.user, channel=Channel.WEB)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Key set of %(name)s refreshed.") % {"name": trusted.name})
    return redirect("credentials:trusted_issuer_list", org_slug=organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view("credentials.manage_trusted_issuers")
def trusted_issuer_remove_view(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    trusted = access_trusted_issuer(organisation=organisation, pk=pk)
    if request.method == "POST":
        trusted_issuer_remove(trusted_issuer=trusted, by=request.user, channel=Channel.WEB)
        messages.success(
            request,
            _("Your organisation no longer trusts credentials from %(name)s.")
            % {"name": trusted.name},
        )
        return redirect("credentials:trusted_issuer_list", org_slug=organisation.slug)
    return render(
        request,
        "credentials/trusted_issuer_remove.html",
        {"organisation": organisation, "trusted": trusted},
    )


# Signing keys ------------------------------------------------------------------------------


@require_safe
@org_view("credentials.manage_signing_keys")
def signing_keys(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    keys = signing_keys_of(organisation=organisation)
    return render(
        request,
        "credentials/signing_keys.html",
        {"organisation": organisation, "keys": keys, "jwks_url": jwks_url()},
    )


@require_http_methods(["GET", "POST"])
@org_view("credentials.manage_signing_keys")
def signing_key_rotate(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = RotateKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = rotate_key(organisation, actor=request.user, channel=Channel.WEB)
        messages.success(
            request,
            _("New key %(kid)s now signs credentials. The old one still verifies.")
            % {"kid": key.kid},
        )
        return redirect("credentials:signing_keys", org_slug=organisation.slug)
    return render(
        request,
        "credentials/signing_key_rotate.html",
        {"organisation": organisation, "form": form},
    )


@require_http_methods(["GET", "POST"])
@org_view("credentials.manage_signing_keys")
def signing_key_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    key = access_signing_key(organisation=organisation, pk=pk)
    if key.revoked_at is not None:
        messages.error(request, _("That key has already been revoked."))
        return redirect("credentials:signing_keys", org_slug=organisation.slug)
    form = RevokeKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_key(
                key, actor=request.user, reason=form.cleaned_data["reason"], channel=Channel.WEB
            )
        except ValidationError as error:
            form.add_error("reason", error.message_dict.get("reason", error.messages))
        else:
            messages.success(
                request,
                _("Key %(kid)s revoked. Credentials it signed will no longer verify.")
                % {"kid": key.kid},
            )
            return redirect("credentials:signing_keys", org_slug=organisation.slug)
    return render(
        request,
        "credentials/signing_key_revoke.html",
        {"organisation": organisation, "form": form, "key": key},
    )
