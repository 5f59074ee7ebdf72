"""The organisation's commitment pages: read by every member, shaped by HR, signed by the
executive sponsor. Writes go through ``commitments.services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commitments.documents import commitment_pdf
from commitments.forms import (
    AdoptForm,
    DraftForm,
    PublishForm,
    ReadyForm,
    SignForm,
    StartDraftForm,
    WithdrawForm,
)
from commitments.models import OPEN_STATUSES, CommitmentVersion, VersionStatus
from commitments.selectors import (
    access_commitment_version,
    commitment_of,
    open_draft,
    published_commitment,
    versions_of,
)
from commitments.services import (
    commitment_adopt_template,
    commitment_start_draft,
    draft_mark_ready,
    draft_update,
    version_publish,
    version_sign,
    version_withdraw,
)
from commitments.template import template_for
from commitments.views._common import (
    CurrentVersion,
    form_errors_as_messages,
    to_home,
    to_version,
)
from organisations.access import org_view
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.once import one_submission


def _can(request: OrgRequest) -> dict[str, bool]:
    user, organisation = request.user, request.organisation
    return {
        "drafts": user.has_perm("commitments.view_drafts", organisation),
        "manage": user.has_perm("commitments.manage_commitment", organisation),
        "sign": user.has_perm("commitments.sign_commitment", organisation),
    }


def _context(request: OrgRequest, **extra: object) -> dict[str, object]:
    return {"organisation": request.organisation, "can": _can(request), **extra}


@require_safe
@org_view("commitments.view_commitment")
def commitment_home(request: OrgRequest) -> HttpResponse:
    """The published commitment for everyone; the draft and what waits to be published for
    those who shape and sign it."""
    organisation = request.organisation
    can = _can(request)
    commitment = commitment_of(organisation=organisation)
    draft = None
    awaiting_list: list[CommitmentVersion] = []
    if commitment is not None and can["drafts"]:
        draft = open_draft(commitment=commitment)
        awaiting_list = list(versions_of(commitment=commitment).filter(status=VersionStatus.SIGNED))
    return render(
        request,
        "commitments/home.html",
        {
            "organisation": organisation,
            "can": can,
            "commitment": commitment,
            "published": published_commitment(organisation=organisation),
            "draft": draft,
            "awaiting": awaiting_list,
            # Its one-time token, so a double click starts one draft.
            "start_draft_form": StartDraftForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("commitments.manage_commitment")
@one_submission
def commitment_adopt(request: OrgRequest) -> HttpResponse:
    """Show our template with the organisation's name in it; adopting makes it draft 1."""
    organisation = request.organisation
    commitment = commitment_of(organisation=organisation)
    if commitment is not None and commitment.versions.exists():
        messages.info(request, _("Your organisation has already adopted a commitment."))
        return to_home(request)
    form = AdoptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version = attempt(
            form, lambda: commitment_adopt_template(organisation=organisation, by=request.user)
        )
        if version is not None:
            messages.success(
                request, _("Draft 1 created from the template. Make it your own, then save it.")
            )
            return redirect("commitments:edit", org_slug=organisation.slug, number=version.number)
    return render(
        request,
        "commitments/adopt.html",
        _context(request, form=form, preview=template_for(organisation=organisation)),
    )


@require_POST
@org_view("commitments.manage_commitment")
@one_submission
def commitment_new_draft(request: OrgRequest) -> HttpResponse:
    """A new draft copying the latest version, for when the commitment needs updating."""
    commitment = commitment_of(organisation=request.organisation)
    if commitment is None or not commitment.versions.exists():
        return redirect("commitments:adopt", org_slug=request.organisation.slug)
    form = StartDraftForm(request.POST)
    form.is_valid()  # a lone button: nothing to check
    version = attempt(form, lambda: commitment_start_draft(commitment=commitment, by=request.user))
    if version is None:
        form_errors_as_messages(request, form)
        return to_home(request)
    messages.success(
        request,
        _("Draft %(number)s started from the latest version.") % {"number": version.number},
    )
    return redirect("commitments:edit", org_slug=request.organisation.slug, number=version.number)


@require_safe
@org_view("commitments.view_drafts")
def commitment_history(request: OrgRequest) -> HttpResponse:
    commitment = commitment_of(organisation=request.organisation)
    versions = list(versions_of(commitment=commitment)) if commitment is not None else []
    return render(request, "commitments/history.html", _context(request, versions=versions))


@require_safe
@org_view("commitments.view_commitment")
def commitment_version(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    return render(
        request,
        "commitments/version.html",
        _context(
            request,
            version=version,
            ready_form=ReadyForm(initial={"revision": version.revision}),
            publish_form=PublishForm(),
        ),
    )


@require_safe
@org_view("commitments.view_commitment")
def commitment_print(request: OrgRequest, number: int) -> HttpResponse:
    """The text and signature alone, laid out to print."""
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    return render(request, "commitments/print.html", _context(request, version=version))


@require_safe
@org_view("commitments.view_commitment")
def commitment_pdf_download(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    response = HttpResponse(commitment_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-commitment-version-{number}.pdf"'
    )
    return response


@require_http_methods(["GET", "POST"])
@org_view("commitments.manage_commitment")
def commitment_edit(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    if version.status not in OPEN_STATUSES:
        messages.error(
            request,
            _("Version %(number)s has been signed, so it cannot be changed. Start a new draft.")
            % {"number": version.number},
        )
        return to_version(request, version)
    form = DraftForm(
        request.POST if request.method == "POST" else None,
        initial={"revision": version.revision, "text": version.text},
    )
    current = CurrentVersion()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: draft_update(
                version=version,
                expected_revision=data["revision"],
                text=data["text"],
                by=request.user,
            ),
            on_conflict=current,
        )
        if saved is not None:
            messages.success(request, _("Draft saved."))
            return to_version(request, saved)
    return render(
        request,
        "commitments/edit.html",
        _context(request, version=version, form=form, current=current.version),
    )


@require_POST
@org_view("commitments.manage_commitment")
def commitment_ready(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    form = ReadyForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            lambda: draft_mark_ready(
                version=version,
                expected_revision=form.cleaned_data["revision"],
                by=request.user,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _(
                    "Version %(number)s is ready for signature. We have emailed the executive sponsor."
                )
                % {"number": version.number},
            )
            return to_version(request, version)
    form_errors_as_messages(request, form)
    return to_version(request, version)


def _signatory_name(request: OrgRequest) -> str:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is not None:
        return record.full_name
    return request.user.get_full_name()


@require_http_methods(["GET", "POST"])
@org_view("commitments.sign_commitment")
def commitment_sign(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    if version.status != VersionStatus.READY:
        messages.error(
            request,
            _("This draft is not ready for signature yet.")
            if version.status == VersionStatus.DRAFT
            else _("Version %(number)s has already been signed.") % {"number": version.number},
        )
        return to_version(request, version)
    form = SignForm(
        request.POST if request.method == "POST" else None,
        initial={"revision": version.revision, "name": _signatory_name(request)},
    )
    current = CurrentVersion()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed = attempt(
            form,
            lambda: version_sign(
                version=version,
                expected_revision=data["revision"],
                name=data["name"],
                role=data["role"],
                signed_on=data["signed_on"],
                authority_confirmed=data["authority_confirmed"],
                by=request.user,
            ),
            on_conflict=current,
        )
        if signed is not None:
            messages.success(
                request,
                _("Thank you. You have signed version %(number)s; HR will now publish it.")
                % {"number": signed.number},
            )
            return to_version(request, signed)
    if current.version is not None:
        version = current.version  # show the words as they now stand, before signing them
    return render(request, "commitments/sign.html", _context(request, version=version, form=form))


@require_POST
@org_view("commitments.manage_commitment")
def commitment_publish(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    form = PublishForm(request.POST)
    form.is_valid()
    published = attempt(form, lambda: version_publish(version=version, by=request.user))
    if published is None:
        form_errors_as_messages(request, form)
        return to_version(request, version)
    messages.success(
        request,
        _(
            "Version %(number)s is now your published commitment. Everyone in your organisation "
            "can read it, and so can the members of any partnership it belongs to."
        )
        % {"number": version.number},
    )
    return to_home(request)


@require_http_methods(["GET", "POST"])
@org_view("commitments.manage_commitment")
def commitment_withdraw(request: OrgRequest, number: int) -> HttpResponse:
    version = access_commitment_version(
        viewer=request.user, organisation=request.organisation, number=number
    )
    if version.status not in {VersionStatus.SIGNED, VersionStatus.PUBLISHED}:
        messages.error(request, _("Only a signed or published version can be withdrawn."))
        return to_version(request, version)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        withdrawn = attempt(
            form,
            lambda: version_withdraw(
                version=version, reason=form.cleaned_data["reason"], by=request.user
            ),
        )
        if withdrawn is not None:
            messages.success(
                request, _("Version %(number)s has been withdrawn.") % {"number": version.number}
            )
            return to_home(request)
    return render(
        request, "commitments/withdraw.html", _context(request, version=version, form=form)
    )
