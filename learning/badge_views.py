"""Badge pages: the learner's own badges (list, one badge with its sharing choice, download),
and the public pages anyone may open signed out (a badge's page, checking a badge file, the
badge image).

The public pages verify the signed badge every time, against this deployment's published keys
only, exactly as a stranger's verifier would; they never read who holds a badge unless the
holder chose to show their name.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from accounts.selectors import display_name
from accounts.types import AuthenticatedRequest
from learning.badges import (
    badge_check,
    badge_check_file,
    badge_image_path,
    badge_share,
    badge_url,
)
from learning.catalogue import find_module, modules_named, own_module_by_organisation_slug
from learning.content import Module
from learning.forms import BadgeCheckForm, BadgeShareForm
from learning.models import Badge
from learning.selectors import access_badge, badges_of, own_badge, public_badge
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt

#: A badge is the holder's to keep: someone who has left still sees theirs and decides what
#: its public page shows, though they can no longer learn here.
PERMISSION = "organisations.use_own_records"


@require_safe
@org_view(PERMISSION)
def badges(request: OrgRequest) -> HttpResponse:
    mine = badges_of(viewer=request.user, organisation=request.organisation)
    named = modules_named((badge.organisation_id, badge.module) for badge in mine)
    return render(
        request,
        "learning/badges.html",
        {
            "organisation": request.organisation,
            "badges": [(badge, named[badge.organisation_id, badge.module]) for badge in mine],
            # Someone who has left keeps their badges but no longer learns here.
            "can_learn": request.user.has_perm(
                "organisations.use_organisation", request.organisation
            ),
        },
    )


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(PERMISSION)
def badge(request: OrgRequest, public_id: uuid.UUID) -> HttpResponse:
    """One of the learner's badges: whether it is valid, downloading it, and what its public
    page shows."""
    found = access_badge(
        viewer=request.user, organisation=request.organisation, public_id=public_id
    )
    module = _module_of(found)
    initial = {"shared": _yes_no(found.shared), "show_name": _yes_no(found.show_name)}
    form = BadgeShareForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shared, show_name = form.choice()
        changed = attempt(
            form,
            lambda: badge_share(badge=found, by=request.user, shared=shared, show_name=show_name),
        )
        if changed is not None:
            if changed:
                messages.success(request, _("Saved. The badge's page now shows what you chose."))
            return redirect("learning:badge", request.organisation.slug, found.public_id)
    return render(
        request,
        "learning/badge.html",
        {
            "organisation": request.organisation,
            "badge": found,
            "module": module,
            "image": badge_image_path(found.module, found.organisation),
            "check": badge_check(found.token, badge=found, module=module),
            "public_url": badge_url(found),
            "form": form,
        },
    )


@require_safe
@login_required
@cache_control(private=True, no_store=True)
def badge_download(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """The signed badge exactly as issued, as a file the holder can keep or hand on. Only the
    holder may have it, from any organisation and after leaving: a badge is theirs to keep."""
    found = own_badge(holder=request.user, public_id=public_id)
    response = HttpResponse(f"{found.token}\n", content_type="application/jwt; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.module}-badge.jws"'
    return response


@require_safe
@cache_control(no_cache=True)
def badge_public(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A badge's public page (its credential id), for anyone, signed in or not: checked afresh
    each time. A badge its holder does not share is not found, like one that never existed."""
    found = public_badge(public_id=public_id)
    module = _module_of(found)
    return render(
        request,
        "learning/badge_public.html",
        {
            "badge": found,
            "module": module,
            "image": badge_image_path(found.module, found.organisation),
            "check": badge_check(found.token, badge=found, module=module),
            "holder": display_name(found.user) if found.show_name else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def badge_verify(request: HttpRequest) -> HttpResponse:
    """Check any badge file against this deployment's published keys, signed out."""
    posted = request.method == "POST"
    form = BadgeCheckForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        context["check"] = badge_check_file(form.cleaned_data["token"])
    return render(request, "learning/badge_verify.html", context)


@require_safe
@cache_control(public=True, max_age=86400)
def badge_image(request: HttpRequest, module: str, org_slug: str = "") -> HttpResponse:
    """The badge's picture, at an address that never changes, as the credential names it. An
    organisation's own module's picture is under the organisation's address."""
    found = (
        own_module_by_organisation_slug(organisation_slug=org_slug, slug=module)
        if org_slug
        else find_module(organisation_id=None, slug=module)
    )
    if found is None:
        raise Http404
    return render(request, "learning/badge.svg", {"module": found}, content_type="image/svg+xml")


def _module_of(badge: Badge) -> Module | None:
    """The badge's module as its organisation has it now, including an own module HR has
    taken away from learners (the badge still stands)."""
    return find_module(
        organisation_id=badge.organisation_id, slug=badge.module, include_retired=True
    )
