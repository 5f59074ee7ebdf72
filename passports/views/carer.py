"""The carer's own pages: saying "I am a carer", sharing, data rights."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Action
from organisations.access import org_view
from organisations.models import StaffStatus
from organisations.types import OrgRequest
from passports.credential import (
    ImportRefused,
    PassportOffer,
    passport_credential_check,
    passport_credential_import,
)
from passports.documents import carer_data_pdf
from passports.exports import carer_data_export
from passports.forms import CarryOverForm, CredentialUploadForm, DeclarationForm
from passports.models import Passport
from passports.selectors import (
    current_line_manager,
    declaration_of,
    passport_of,
    passport_seen_by_days,
    seen_by_lines,
)
from passports.services import carer_declare, carer_forget, passport_share, passport_unshare
from passports.views._common import audit_view, own_record
from shared.forms import attempt
from shared.paging import countless_page
from shared.printable import json_bytes

SEEN_BY_PAGE_SIZE = 50


def _own_passport(request: OrgRequest) -> Passport | None:
    return passport_of(staff=own_record(request))


@require_safe
@org_view("organisations.use_own_records")
def carer_home(request: OrgRequest) -> HttpResponse:
    """Who counts as a carer, and the person's own declaration and passport if they have one."""
    record = own_record(request)
    passport = passport_of(staff=record)
    if passport is not None:
        audit_view(request, passport, "Viewed own carer page")
    return render(
        request,
        "passports/carer_home.html",
        {
            "organisation": request.organisation,
            "declaration": declaration_of(staff=record),
            "passport": passport,
            "line_manager": current_line_manager(staff=record),
            # Someone who has left keeps their data here but can no longer change or share it.
            "left": record.status != StaffStatus.ACTIVE,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def carer_declare_view(request: OrgRequest) -> HttpResponse:
    record = own_record(request)
    declaration = declaration_of(staff=record)
    passport = passport_of(staff=record)
    # Nothing is ticked for a new declaration: each choice is consent the carer gives.
    initial: dict[str, object] = {}
    if declaration is not None:
        initial = {
            "relationship": declaration.relationship,
            "need_kinds": declaration.need_kinds,
            "hours_band": declaration.hours_band,
            "record_on_staff_record": declaration.record_on_staff_record,
            "include_in_counts": declaration.include_in_counts,
            "share_with_manager": passport is not None and passport.open_share is not None,
        }
    form = DeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: carer_declare(
                staff=record,
                relationship=data["relationship"],
                need_kinds=data["need_kinds"],
                hours_band=data["hours_band"],
                record_on_staff_record=data["record_on_staff_record"],
                include_in_counts=data["include_in_counts"],
                share_with_manager=data["share_with_manager"],
                by=request.user,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _(
                    "Saved. Your passport is ready to fill in. Your line manager sees it only "
                    "while you share it with them."
                )
                if declaration is None
                else _("Your answers are saved."),
            )
            return redirect("passports:mine", org_slug=request.organisation.slug)
    return render(
        request,
        "passports/declare.html",
        {
            "organisation": request.organisation,
            "form": form,
            "declaration": declaration,
            "line_manager": current_line_manager(staff=record),
        },
    )


@require_safe
@org_view("organisations.use_own_records")
def passport_mine(request: OrgRequest) -> HttpResponse:
    passport = _own_passport(request)
    if passport is None:
        return redirect("passports:carer_home", org_slug=request.organisation.slug)
    return redirect("passports:detail", org_slug=request.organisation.slug, pk=passport.pk)


@require_POST
@org_view("organisations.use_organisation")
def passport_share_view(request: OrgRequest) -> HttpResponse:
    passport = _own_passport(request)
    if passport is None:
        return redirect("passports:carer_home", org_slug=request.organisation.slug)
    try:
        share = passport_share(passport=passport, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Shared with %(name)s. They can now read your passport, add to it and sign it "
                "with you. You can stop sharing at any time."
            )
            % {"name": f"{share.with_staff.first_name} {share.with_staff.last_name}"},
        )
    return redirect("passports:detail", org_slug=request.organisation.slug, pk=passport.pk)


@require_POST
@org_view("organisations.use_organisation")
def passport_unshare_view(request: OrgRequest) -> HttpResponse:
    passport = _own_passport(request)
    if passport is None:
        return redirect("passports:carer_home", org_slug=request.organisation.slug)
    passport_unshare(passport=passport, by=request.user)
    messages.success(
        request,
        _("You have stopped sharing your passport. Your line manager can no longer open it."),
    )
    return redirect("passports:detail", org_slug=request.organisation.slug, pk=passport.pk)


@require_safe
@org_view("organisations.use_own_records")
def passport_seen_by_view(request: OrgRequest) -> HttpResponse:
    passport = _own_passport(request)
    if passport is None:
        return redirect("passports:carer_home", org_slug=request.organisation.slug)
    # Paged without a count: a passport read often by a manager builds up years of entries.
    page = countless_page(
        passport_seen_by_days(passport=passport),
        number=request.GET.get("page"),
        size=SEEN_BY_PAGE_SIZE,
    )
    return render(
        request,
        "passports/seen_by.html",
        {
            "organisation": request.organisation,
            "passport": passport,
            "page": page,
            "lines": seen_by_lines(page.object_list),
        },
    )


@require_safe
@org_view("organisations.use_own_records")
def carer_export_json(request: OrgRequest) -> HttpResponse:
    """Everything we hold about the person as a carer, in one file (trust rule 7)."""
    record = own_record(request)
    passport = passport_of(staff=record)
    data = carer_data_export(staff=record)
    if passport is not None:
        audit_view(request, passport, "Downloaded own carer data (JSON)", Action.EXPORT)
    response = HttpResponse(json_bytes(data, indent=2), content_type="application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-carer-data-{stamp}.json"'
    return response


@require_safe
@org_view("organisations.use_own_records")
def carer_export_pdf(request: OrgRequest) -> HttpResponse:
    record = own_record(request)
    passport = passport_of(staff=record)
    pdf = carer_data_pdf(carer_data_export(staff=record))
    if passport is not None:
        audit_view(request, passport, "Downloaded own carer data (PDF)", Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-carer-data-{stamp}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_own_records")
def carer_delete(request: OrgRequest) -> HttpResponse:
    record = own_record(request)
    if declaration_of(staff=record) is None and passport_of(staff=record) is None:
        return redirect("passports:carer_home", org_slug=request.organisation.slug)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "delete":
            carer_forget(staff=record, by=request.user)
            messages.success(
                request, _("Your carer declaration and passport have been deleted for good.")
            )
            return redirect("passports:carer_home", org_slug=request.organisation.slug)
        error = _("Tick the box to confirm you want to delete everything.")
    return render(
        request,
        "passports/delete.html",
        {"organisation": request.organisation, "error": error},
    )


def _offer_choices(offer: PassportOffer) -> list[tuple[int, str]]:
    return [
        (index, f"{item.name}: {item.details}" if item.details else item.name)
        for index, item in enumerate(offer.adjustments)
    ]


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def passport_import(request: OrgRequest) -> HttpResponse:
    """Step 1: upload or paste a credential from another employer; it is verified at once."""
    record = own_record(request)
    form = CredentialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, code = form.cleaned_data["token"], form.cleaned_data["holder_code"]
        try:
            offer = passport_credential_check(token, staff=record, holder_code=code)
        except ImportRefused as refusal:
            form.add_error(refusal.field, f"{refusal.message} ({_('reason')}: {refusal.reason})")
        else:
            choose = CarryOverForm(
                initial={
                    "token": token,
                    "holder_code": code,
                    "chosen": [i for i, _label in _offer_choices(offer)],
                },
                choices=_offer_choices(offer),
            )
            return render(
                request,
                "passports/import_choose.html",
                {"organisation": request.organisation, "offer": offer, "form": choose},
            )
    return render(
        request, "passports/import.html", {"organisation": request.organisation, "form": form}
    )


@require_POST
@org_view("organisations.use_organisation")
def passport_import_confirm(request: OrgRequest) -> HttpResponse:
    """Step 2: bring the chosen adjustments in. The credential is verified again here."""
    record = own_record(request)
    token, code = request.POST.get("token", ""), request.POST.get("holder_code", "")
    try:
        offer = passport_credential_check(token, staff=record, holder_code=code)
    except ImportRefused as refusal:
        messages.error(request, f"{refusal.message} ({_('reason')}: {refusal.reason})")
        return redirect("passports:import", org_slug=request.organisation.slug)
    form = CarryOverForm(request.POST, choices=_offer_choices(offer))
    if form.is_valid():
        try:
            passport = passport_credential_import(
                staff=record,
                token=token,
                holder_code=code,
                chosen=form.cleaned_data["chosen"],
                by=request.user,
            )
        except ImportRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:  # for example, a staff record that shows a leaver
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _(
                    "Brought into your draft as requests. Talk them through with your line "
                    "manager, then agree and sign them together."
                ),
            )
            return redirect("passports:detail", org_slug=request.organisation.slug, pk=passport.pk)
    return render(
        request,
        "passports/import_choose.html",
        {"organisation": request.organisation, "offer": offer, "form": form},
    )
