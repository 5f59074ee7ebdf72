"""The partnership's page of signed commitments: who in the partnership has committed.

Its leads may make it public: then a signed-out copy of the list is open to anyone at
``/partnerships/<slug>/commitments/``. It names the organisations and the dates they signed,
nothing more: who signed, and the words, are shown only to people signed in here, so a
signatory's name is never published by this choice.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commitments.forms import PublicPageForm
from commitments.selectors import (
    access_public_partnership,
    partnership_commitments,
    partnership_page,
    published_text_in_partnership,
)
from commitments.services import partnership_page_set_public
from organisations.access import access_partnership
from organisations.models import Partnership
from organisations.types import AuthenticatedRequest
from shared.forms import attempt

LEAD = "organisations.lead_partnership"


def _access_partnership(request: AuthenticatedRequest, slug: str) -> Partnership:
    return access_partnership(
        viewer=request.user, slug=slug, permission="commitments.view_partnership_commitments"
    )


def _public_form(partnership: Partnership, data: object = None) -> PublicPageForm:
    page = partnership_page(partnership=partnership)
    form = PublicPageForm(
        data,
        initial={
            "version": page.version if page else 0,
            "public": "yes" if page and page.public else "no",
        },
    )
    form.helper.form_action = reverse("commitments:partnership_public_set", args=[partnership.slug])
    return form


def _list(
    request: AuthenticatedRequest, partnership: Partnership, form: PublicPageForm | None
) -> HttpResponse:
    is_lead = request.user.has_perm(LEAD, partnership)
    page = partnership_page(partnership=partnership)
    return render(
        request,
        "commitments/partnership_list.html",
        {
            "partnership": partnership,
            "versions": list(partnership_commitments(partnership=partnership)),
            "is_lead": is_lead,
            "public_form": form or (_public_form(partnership) if is_lead else None),
            "is_public": bool(page and page.public),
        },
    )


@require_safe
@login_required
def partnership_commitment_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _list(request, _access_partnership(request, slug), None)


@require_POST
@login_required
def partnership_public_set(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The lead's choice of showing the page signed out; anyone else is told nothing (404)."""
    partnership = access_partnership(viewer=request.user, slug=slug, permission=LEAD)
    form = _public_form(partnership, request.POST)
    if form.is_valid():
        changed = attempt(
            form,
            lambda: partnership_page_set_public(
                partnership=partnership,
                by=request.user,
                public=form.cleaned_data["public"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if not form.errors:
            if changed:
                messages.success(
                    request,
                    _("Anyone can now read this page without signing in.")
                    if form.cleaned_data["public"]
                    else _("Only people signed in here can read this page now."),
                )
            return redirect("commitments:partnership_list", partnership.slug)
    return _list(request, partnership, form)


@require_safe
@login_required
def partnership_commitment_text(
    request: AuthenticatedRequest, slug: str, org_slug: str
) -> HttpResponse:
    partnership = _access_partnership(request, slug)
    version = published_text_in_partnership(partnership=partnership, organisation_slug=org_slug)
    return render(
        request,
        "commitments/partnership_text.html",
        {"partnership": partnership, "version": version},
    )


@require_safe
def partnership_public_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The signed commitments, for anyone, once a lead made them public (else 404). Not kept by
    caches: a lead who makes the page private again must be obeyed at once."""
    partnership = access_public_partnership(slug=slug)
    return render(
        request,
        "commitments/public_list.html",
        {
            "partnership": partnership,
            "versions": list(partnership_commitments(partnership=partnership)),
        },
    )
