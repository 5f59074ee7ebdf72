from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Channel
from audit.selectors import events_for_organisation
from organisations.access import access_membership, access_pending_invitation, org_view
from organisations.forms import (
    InvitationForm,
    MemberSearchForm,
    MembershipForm,
    OrganisationLanguageForm,
)
from organisations.invitations import INVITATION_LIFETIME, invitation_revoke, invitation_send
from organisations.models import Role
from organisations.selectors import (
    memberships_matching,
    pending_invitations,
    recent_invitation_batches,
    roles_grantable_by,
)
from organisations.services import (
    membership_grant_by_email,
    membership_revoke,
    organisation_default_language_set,
)
from organisations.types import OrgRequest
from shared.once import one_submission
from shared.paging import countless_page

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@org_view("organisations.change_language")
def organisation_language(request: OrgRequest) -> HttpResponse:
    """The organisation's default language, for staff who have not chosen their own."""
    organisation = request.organisation
    form = OrganisationLanguageForm(
        request.POST or None, initial={"default_language": organisation.default_language}
    )
    if request.method == "POST" and form.is_valid():
        if organisation_default_language_set(
            organisation=organisation,
            language=form.cleaned_data["default_language"],
            by=request.user,
            channel=Channel.WEB,
        ):
            messages.success(request, _("Saved."))
        return redirect("organisations:home", org_slug=organisation.slug)
    return render(
        request, "organisations/language.html", {"organisation": organisation, "form": form}
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.invite_people")
@one_submission
def invite(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    # "Invite them" on a staff record fills in their work email and staff number.
    initial = {key: request.GET[key] for key in ("email", "staff_number") if key in request.GET}
    form = InvitationForm(
        request.POST or None,
        initial=initial,
        organisation=organisation,
        allowed_roles=roles_grantable_by(user=request.user, organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation_send(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                staff_record=form.cleaned_data["staff_number"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("staff_number", error.messages)
        else:
            messages.success(
                request,
                _(
                    "Invitation sent to %(email)s. The link in the email works once, for %(days)s "
                    "days; it is listed below until they accept it."
                )
                % {"email": form.cleaned_data["email"], "days": INVITATION_LIFETIME.days},
            )
            return redirect("organisations:invite", org_slug=organisation.slug)
    page = countless_page(
        pending_invitations(organisation=organisation),
        number=request.GET.get("page"),
        size=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/invite.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "batches": recent_invitation_batches(organisation=organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.manage_members")
def members(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_grant_by_email(
                email=form.cleaned_data["email"],
                organisation=organisation,
                role=Role(form.cleaned_data["role"]),
                by=request.user,
                channel=Channel.WEB,
            )
        except ValidationError as error:
            form.add_error("email", error.message_dict["email"])
        else:
            messages.success(request, _("Role given."))
            return redirect("organisations:members", org_slug=organisation.slug)
    search = MemberSearchForm(request.GET or None)
    typed = search.cleaned_data["q"] if search.is_valid() else ""
    page = countless_page(
        memberships_matching(organisation=organisation, query=typed),
        number=request.GET.get("page"),
        size=PAGE_SIZE,
    )
    # The pager keeps the search; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "form": form,
            "search": search,
            "page": page,
            "query": query.urlencode(),
        },
    )


@require_POST
@org_view("organisations.manage_members")
def member_remove(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    membership = access_membership(organisation=organisation, pk=pk)
    try:
        membership_revoke(membership=membership, by=request.user, channel=Channel.WEB)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect("organisations:members", org_slug=organisation.slug)


@require_safe
@org_view("organisations.view_audit")
def audit_log(request: OrgRequest) -> HttpResponse:
    """Organisation admins see who changed staff records and roles (never carers' content)."""
    organisation = request.organisation
    events = events_for_organisation(organisation_id=organisation.pk)
    page = countless_page(events, number=request.GET.get("page"), size=50)
    return render(
        request, "organisations/audit_log.html", {"organisation": organisation, "page": page}
    )


@require_POST
@org_view("organisations.invite_people")
def invitation_revoke_view(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    invitation = access_pending_invitation(organisation=organisation, pk=pk)
    invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("organisations:invite", org_slug=organisation.slug)
