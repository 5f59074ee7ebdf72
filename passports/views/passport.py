"""Pages the carer and the manager they shared with both use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Action
from organisations.access import org_view
from organisations.types import OrgRequest
from passports.credential import (
    MEDIA_TYPE,
    holder_offer_new,
    holder_offer_read,
    passport_credential_issue,
)
from passports.documents import agreed_version_pdf
from passports.forms import (
    AboutForm,
    AdjustmentForm,
    AdjustmentUpdateForm,
    ConversationForm,
    CredentialForm,
    ReviewForm,
    VersionedForm,
)
from passports.guide import conversation_guide
from passports.models import AdjustmentStatus, Passport
from passports.selectors import (
    PassportAccess,
    access_passport,
    agreed_version,
    agreed_versions,
    current_line_manager,
    manager_changed_since_sharing,
)
from passports.services import (
    CARER_STATUSES,
    MANAGER_STATUSES,
    adjustment_add,
    adjustment_update,
    conversation_record,
    passport_set_review,
    passport_sign,
    passport_update_about,
)
from passports.views._common import audit_view
from shared.forms import attempt
from shared.once import one_submission


def _back(request: OrgRequest, passport: Passport) -> HttpResponse:
    return redirect("passports:detail", org_slug=request.organisation.slug, pk=passport.pk)


def _context(
    request: OrgRequest, passport: Passport, access: PassportAccess, **extra: object
) -> dict[str, object]:
    return {"organisation": request.organisation, "passport": passport, "access": access, **extra}


@require_safe
@org_view("organisations.use_own_records")
def passport_detail(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    audit_view(request, passport, "Viewed passport")
    versions = list(agreed_versions(passport=passport))
    latest = versions[0] if versions else None  # newest first
    line_manager = current_line_manager(staff=passport.staff)
    share = passport.open_share
    return render(
        request,
        "passports/detail.html",
        _context(
            request,
            passport,
            access,
            adjustments=list(passport.adjustments.all()),
            conversations=list(passport.conversations.all()[:50]),
            latest=latest,
            is_agreed=latest is not None and latest.draft_version == passport.version,
            versions=versions,
            line_manager=line_manager,
            share=share,
            share_is_stale=manager_changed_since_sharing(
                passport=passport, line_manager=line_manager
            )
            if access.is_owner
            else False,
            sign_form=VersionedForm(initial={"version": passport.version}),
            carer_signed=passport.carer_signed_version == passport.version,
            manager_signed=passport.manager_signed_version == passport.version,
            undecided=any(
                a.status == AdjustmentStatus.REQUESTED for a in passport.adjustments.all()
            ),
            today=timezone.localdate(),
        ),
    )


def _form_page(
    request: OrgRequest,
    passport: Passport,
    access: PassportAccess,
    form: forms.Form,
    write: Callable[[dict[str, Any]], object],
    *,
    done: str,
    title: str,
) -> HttpResponse:
    """The shape every passport edit page shares: save through the service, or show the form
    again with what was typed and why it was not saved."""
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: write(form.cleaned_data))
    else:
        saved = None
    if saved is not None:
        messages.success(request, done)
        return _back(request, passport)
    return render(
        request, "passports/form.html", _context(request, passport, access, form=form, title=title)
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def passport_edit_about(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.is_owner:
        raise PermissionDenied
    if request.method == "GET":
        audit_view(request, passport, "Opened passport to change the carer's sections")
    form = AboutForm(
        request.POST or None,
        initial={
            "version": passport.version,
            "about_caring": passport.about_caring,
            "plan_b_contacts": passport.plan_b_contacts,
            "plan_b_at_work": passport.plan_b_at_work,
        },
    )
    return _form_page(
        request,
        passport,
        access,
        form,
        lambda data: passport_update_about(
            passport=passport,
            expected_version=data["version"],
            about_caring=data["about_caring"],
            plan_b_contacts=data["plan_b_contacts"],
            plan_b_at_work=data["plan_b_at_work"],
            by=request.user,
        ),
        done=_("Saved."),
        title=_("About my caring role and Plan B"),
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def adjustment_new(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if request.method == "GET":
        audit_view(request, passport, "Opened passport to add an adjustment")
    return _form_page(
        request,
        passport,
        access,
        AdjustmentForm(request.POST or None, initial={"version": passport.version}),
        lambda data: adjustment_add(
            passport=passport,
            expected_version=data["version"],
            kind=data["kind"],
            details=data["details"],
            review_on=data["review_on"],
            by=request.user,
        ),
        done=_("Adjustment added."),
        title=_("Ask for something that would help")
        if access.is_owner
        else _("Propose an adjustment"),
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def adjustment_edit(request: OrgRequest, pk: int, adjustment_pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if request.method == "GET":
        audit_view(request, passport, "Opened passport to change an adjustment")
    adjustment = next((a for a in passport.adjustments.all() if a.pk == adjustment_pk), None)
    if adjustment is None:
        raise Http404
    allowed = {str(s) for s in (MANAGER_STATUSES if access.is_manager else CARER_STATUSES)}
    allowed.add(adjustment.status)
    form = AdjustmentUpdateForm(
        request.POST or None,
        allowed_statuses=allowed,
        initial={
            "version": passport.version,
            "details": adjustment.details,
            "status": adjustment.status,
            "review_on": adjustment.review_on,
        },
    )
    return _form_page(
        request,
        passport,
        access,
        form,
        lambda data: adjustment_update(
            adjustment=adjustment,
            expected_version=data["version"],
            details=data["details"],
            status=data["status"],
            review_on=data["review_on"],
            by=request.user,
        ),
        done=_("Adjustment updated."),
        title=_("Change: %(kind)s") % {"kind": adjustment.get_kind_display()},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def passport_review(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if request.method == "GET":
        audit_view(request, passport, "Opened passport to set the review date")
    form = ReviewForm(
        request.POST or None,
        initial={"version": passport.version, "next_review_on": passport.next_review_on},
    )
    return _form_page(
        request,
        passport,
        access,
        form,
        lambda data: passport_set_review(
            passport=passport,
            expected_version=data["version"],
            next_review_on=data["next_review_on"],
            by=request.user,
        ),
        done=_("Review date set."),
        title=_("When should you next review the passport?"),
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def conversation_new(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if request.method == "GET":
        audit_view(request, passport, "Opened passport to note a conversation")
    return _form_page(
        request,
        passport,
        access,
        ConversationForm(
            request.POST or None,
            initial={"held_on": timezone.localdate()},
            for_manager=access.is_manager,
        ),
        lambda data: conversation_record(
            passport=passport, held_on=data["held_on"], notes=data["notes"], by=request.user
        ),
        done=_("Conversation noted."),
        title=_("Note a conversation"),
    )


@require_safe
@org_view("organisations.use_organisation")
def conversation_guide_view(request: OrgRequest, pk: int) -> HttpResponse:
    """Prompts for the manager beside the passport as it stands. Nothing is stored here: the
    read is audited like any other, and a note is kept only if they go on to write one.

    The same door as noting a conversation (the carer and the manager they shared with, in
    post), so the carer can always read what their manager is prompted to ask.
    """
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    audit_view(request, passport, "Opened passport with the conversation guide")
    guide = conversation_guide(
        passport=passport, adjustments=passport.adjustments.all(), today=timezone.localdate()
    )
    return render(
        request,
        "passports/conversation_guide.html",
        _context(request, passport, access, guide=guide),
    )


@require_POST
@org_view("organisations.use_organisation")
def passport_sign_view(request: OrgRequest, pk: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong. Please try again."))
        return _back(request, passport)
    result = attempt(
        form,
        lambda: passport_sign(
            passport=passport, expected_version=form.cleaned_data["version"], by=request.user
        ),
    )
    if result is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    elif result.agreed is not None:
        messages.success(
            request,
            _(
                "You have both signed. This is now agreed version %(n)s, kept as it was signed. "
                "If it has a review date, you will both be reminded before it."
            )
            % {"n": result.agreed.number},
        )
    else:
        messages.success(
            request,
            _("Signed. It is now waiting for your line manager to sign.")
            if access.is_owner
            else _("Signed. It is now waiting for the carer to sign."),
        )
    return _back(request, passport)


@require_safe
@org_view("organisations.use_own_records")
def passport_version(request: OrgRequest, pk: int, number: int) -> HttpResponse:
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    version = agreed_version(passport=passport, number=number)
    audit_view(request, passport, f"Viewed agreed version {number}")
    return render(
        request,
        "passports/version.html",
        _context(
            request,
            passport,
            access,
            version=version,
            content=version.content,
            credential_form=CredentialForm(),
        ),
    )


@require_safe
@org_view("organisations.use_own_records")
def passport_version_pdf(request: OrgRequest, pk: int, number: int) -> HttpResponse:
    """The carer's printable copy. Only the carer downloads: copies are theirs to hand out."""
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.is_owner:
        raise PermissionDenied
    version = agreed_version(passport=passport, number=number)
    audit_view(request, passport, f"Downloaded agreed version {number} (PDF)", Action.EXPORT)
    response = HttpResponse(agreed_version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="carers-passport-version-{number}.pdf"'
    return response


@require_POST
@org_view("organisations.use_own_records")
def passport_credential_download(request: OrgRequest, pk: int, number: int) -> HttpResponse:
    """A signed copy of one agreed version, for the carer to take to another employer.

    Two steps at one address. From the version page: a new holder code, shown once, with a
    button that posts back here carrying its binding (signed, never the code). With that
    binding: the signed credential, as a file.
    """
    passport, access = access_passport(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.is_owner:
        raise PermissionDenied
    version = agreed_version(passport=passport, number=number)
    offer = holder_offer_read(
        request.POST.get("holder", ""), passport=passport, number=number, by=request.user
    )
    if offer is None:
        form = CredentialForm(request.POST)
        form.is_valid()  # two optional tick boxes: always valid
        code, signed = holder_offer_new(
            passport=passport,
            number=number,
            by=request.user,
            include_about=bool(form.cleaned_data.get("include_about")),
            include_plan_b=bool(form.cleaned_data.get("include_plan_b")),
        )
        return render(
            request,
            "passports/credential_code.html",
            _context(request, passport, access, version=version, code=code, holder=signed),
        )
    try:
        token = passport_credential_issue(
            passport=passport,
            version=version,
            by=request.user,
            holder=offer.holder,
            include_about=offer.include_about,
            include_plan_b=offer.include_plan_b,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            "passports:version", org_slug=request.organisation.slug, pk=passport.pk, number=number
        )
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="carers-passport-version-{number}.jwt"'
    return response
