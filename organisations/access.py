"""Access functions: fetch tenant objects scoped to the viewer.

Another organisation's object is a 404 (so existence is not leaked); too little
permission within your own organisation is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.selectors import signed_in_with_second_factor
from organisations.models import (
    Invitation,
    InvitationBatch,
    Membership,
    Organisation,
    Partnership,
    StaffImport,
    StaffRecord,
    Unit,
)
from organisations.selectors import member_organisation

Response = TypeVar("Response", bound=HttpResponseBase)


def access_organisation(*, user: Any, slug: str) -> Organisation:
    """The organisation if the user belongs to it; a 404 whether it is missing or not theirs."""
    organisation = member_organisation(user=user, slug=slug)
    if organisation is None:
        raise Http404
    return organisation


def access_staff_record(*, organisation: Organisation, pk: int) -> StaffRecord:
    return get_object_or_404(
        StaffRecord.objects.select_related("unit", "line_manager", "user"),
        organisation=organisation,
        pk=pk,
    )


def access_unit(*, organisation: Organisation, pk: int) -> Unit:
    """One of the organisation's units; another organisation's is a 404."""
    return get_object_or_404(Unit, organisation=organisation, pk=pk)


def access_membership(*, organisation: Organisation, pk: int) -> Membership:
    """One role held in the organisation, with its holder; another organisation's is a 404."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, pk=pk
    )


def access_staff_import(*, organisation: Organisation, pk: int) -> StaffImport:
    """One of the organisation's staff imports; another organisation's is a 404."""
    return get_object_or_404(StaffImport, organisation=organisation, pk=pk)


def access_pending_invitation(*, organisation: Organisation, pk: int) -> Invitation:
    """An invitation of the organisation not yet accepted; anything else is a 404."""
    return get_object_or_404(Invitation, organisation=organisation, accepted_at__isnull=True, pk=pk)


def access_invitation_batch(*, organisation: Organisation, pk: int) -> InvitationBatch:
    """A bulk invitation of the organisation; another's is a 404."""
    return get_object_or_404(
        InvitationBatch.objects.select_related("requested_by"), organisation=organisation, pk=pk
    )


def access_partnership(*, viewer: Any, slug: str, permission: str) -> Partnership:
    """The partnership if the viewer holds ``permission`` on it; a 404 otherwise, so that
    people outside it are not told whether it exists."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None or not viewer.has_perm(permission, partnership):
        raise Http404
    return partnership


def deployment_admin_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a page only a deployment admin may use: an active superuser who gave their second
    factor in this session (docs/organisation-setup.md). Anyone else signed in is refused (403);
    a deployment admin who has not is asked to confirm with it, then comes back."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_active and user.is_superuser):
            raise PermissionDenied
        if not signed_in_with_second_factor(request=request):
            back = request.get_full_path()
            if request.method != "GET":
                # A form sent without it is not acted on: back to the page it was sent from.
                referer = request.headers.get("referer", "")
                safe = url_has_allowed_host_and_scheme(
                    referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                back = urlsplit(referer).path if safe and referer else "/"
            return HttpResponseRedirect(
                f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}"
            )
        return view(request, *args, **kwargs)

    return wrapper


def org_view(
    permission: str,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Decorate a view taking ``org_slug``: login, tenant scoping, then the permission check.

    The view receives the organisation as ``request.organisation``. It may return any kind
    of response (a streamed download, say), and the decorated view returns the same kind.
    """

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> Response:
            organisation = access_organisation(user=request.user, slug=org_slug)
            if not request.user.has_perm(permission, organisation):
                raise PermissionDenied
            request.organisation = organisation  # type: ignore[attr-defined]
            if request.session.get("organisation_slug") != organisation.slug:
                request.session["organisation_slug"] = organisation.slug
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
