"""Inviting everyone in post in a unit or the organisation (organisations.bulk_invitations)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organisations.access import access_invitation_batch, org_view
from organisations.bulk_invitations import (
    batch_in_progress,
    bounced_invitations,
    invitation_batch_continue,
    invitation_batch_preview,
    invitation_batch_start,
    invitation_batch_stop,
)
from organisations.forms import InviteEveryoneConfirmForm, InviteEveryoneForm
from organisations.invitations import INVITATION_LIFETIME
from organisations.types import OrgRequest
from shared.once import one_submission

#: Bounced addresses listed on a batch's page; the count says how many more there are.
BOUNCES_LISTED = 100


@require_http_methods(["GET", "POST"])
@org_view("organisations.invite_people")
@one_submission
def invite_everyone(request: OrgRequest) -> HttpResponse:
    """Choose a unit or the whole organisation, see the counts, then start the batch."""
    organisation = request.organisation
    running = batch_in_progress(organisation=organisation)
    if request.method == "POST":
        confirm = InviteEveryoneConfirmForm(request.POST, organisation=organisation)
        if confirm.is_valid():
            try:
                batch = invitation_batch_start(
                    organisation=organisation, unit=confirm.cleaned_data["unit"], by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("organisations:invite_everyone", org_slug=organisation.slug)
            return redirect(
                "organisations:invitation_batch", org_slug=organisation.slug, pk=batch.pk
            )
        # Only a unit deleted or recoded since the check gets here: check again.
        form = InviteEveryoneForm({"unit": request.POST.get("unit", "")}, organisation=organisation)
    else:
        form = InviteEveryoneForm(
            request.GET if "unit" in request.GET else None, organisation=organisation
        )
    preview = confirm_form = None
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
        preview = invitation_batch_preview(organisation=organisation, unit=unit)
        confirm_form = InviteEveryoneConfirmForm(
            initial={"unit": unit.code if unit else ""}, organisation=organisation
        )
    return render(
        request,
        "organisations/invite_everyone.html",
        {
            "organisation": organisation,
            "form": form,
            "preview": preview,
            "confirm_form": confirm_form,
            "unit": form.cleaned_data.get("unit") if preview else None,
            "running": running,
            "days": INVITATION_LIFETIME.days,
        },
    )


@require_safe
@org_view("organisations.invite_people")
def invitation_batch(request: OrgRequest, pk: int) -> HttpResponse:
    """Where a bulk invitation stands. A plain page: HR reloads it (no script needed)."""
    organisation = request.organisation
    batch = access_invitation_batch(organisation=organisation, pk=pk)
    bounced = bounced_invitations(batch=batch)
    listed = list(bounced[: BOUNCES_LISTED + 1])
    return render(
        request,
        "organisations/invitation_batch.html",
        {
            "organisation": organisation,
            "batch": batch,
            "bounced": listed[:BOUNCES_LISTED],
            "more_bounced": len(listed) > BOUNCES_LISTED,
            "bounced_count": bounced.count() if len(listed) > BOUNCES_LISTED else len(listed),
        },
    )


@require_POST
@org_view("organisations.invite_people")
def invitation_batch_stop_view(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    batch = access_invitation_batch(organisation=organisation, pk=pk)
    if invitation_batch_stop(batch=batch, by=request.user):
        messages.success(
            request, _("Stopped. The invitations already sent stay valid; you can continue later.")
        )
    return redirect("organisations:invitation_batch", org_slug=organisation.slug, pk=batch.pk)


@require_POST
@org_view("organisations.invite_people")
def invitation_batch_continue_view(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    batch = access_invitation_batch(organisation=organisation, pk=pk)
    try:
        if invitation_batch_continue(batch=batch, by=request.user):
            messages.success(request, _("Continuing from where it stopped."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisations:invitation_batch", org_slug=organisation.slug, pk=batch.pk)
