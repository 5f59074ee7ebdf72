"""The page an invitation's link opens: join the organisation, with a new account if need be."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import AcceptInvitationForm, JoinForm
from organisations.invitations import invitation_accept, invitation_for_token
from organisations.models import SignOn
from organisations.sign_on.selectors import sign_on_for
from organisations.sign_on.views import to_provider

_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    required: SignOn | None = None
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email:
            return render(
                request,
                "organisations/invitation_wrong_account.html",
                {"invitation": invitation},
                status=403,
            )
        form: JoinForm | AcceptInvitationForm = JoinForm(
            request.POST if request.method == "POST" else None
        )
        if request.method == "POST" and form.is_valid():
            invitation_accept(invitation=invitation, user=request.user, password=None)
            messages.success(
                request,
                _("You have joined %(org)s. This page lists what you can do here.")
                % {"org": invitation.organisation.name},
            )
            return redirect("organisations:home", org_slug=invitation.organisation.slug)
    else:
        required = sign_on_for(organisation=invitation.organisation)
        if required is not None and not required.required:
            required = None
        form = AcceptInvitationForm(
            request.POST or None, email=invitation.email, needs_password=required is None
        )
        if request.method == "POST" and form.is_valid():
            try:
                user = invitation_accept(
                    invitation=invitation,
                    user=None,
                    password=form.cleaned_data.get("password"),
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if required is not None:
                    return _continue_with_sign_on(request, required, invitation.email)
                login(request, user, backend=_BACKEND)
                # They have just chosen their password: count it as this session's sign-in,
                # so setting up MFA does not ask them to type it again.
                record_authentication(request, user, method="password", email=user.email)
                messages.success(
                    request,
                    _("Welcome. You have joined %(org)s. This page lists what you can do here.")
                    % {"org": invitation.organisation.name},
                )
                return redirect("organisations:home", org_slug=invitation.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "form": form, "sign_on_required": required is not None},
    )


def _continue_with_sign_on(request: HttpRequest, sign_on: SignOn, email: str) -> HttpResponse:
    """The account has no password: its first sign-in is at the organisation's provider, which
    links it by the address the invitation has just proven (docs/single-sign-on.md)."""
    messages.success(
        request,
        _(
            "Your account is ready. Sign in with your %(org)s account to finish: you will use it "
            "every time."
        )
        % {"org": sign_on.organisation.name},
    )
    home = reverse("organisations:home", kwargs={"org_slug": sign_on.organisation.slug})
    answer = to_provider(request, sign_on=sign_on, email=email, next_url=home)
    if answer is not None:
        return answer
    return redirect(f"{reverse('organisations:sign_on_start')}?{urlencode({'email': email})}")
