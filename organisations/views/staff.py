from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from organisations.access import access_staff_record, org_view
from organisations.forms import (
    MarkLeftForm,
    NewStaffRecordForm,
    StaffRecordForm,
    StaffSearchForm,
    UnitForm,
)
from organisations.hooks import facts_about
from organisations.selectors import staff_records_visible_to, units_of
from organisations.services import (
    staff_record_create,
    staff_record_mark_left,
    staff_record_update,
    unit_create,
)
from organisations.types import OrgRequest
from shared.once import one_submission
from shared.paging import countless_page
from shared.writes import EditConflict

PAGE_SIZE = 50


def _apply_model_errors(form: StaffRecordForm | UnitForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_safe
@org_view("organisations.view_staff")
def staff_list(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    search = StaffSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    records = staff_records_visible_to(
        organisation=organisation,
        query=filters.get("q", ""),
        unit=filters.get("unit", ""),
        status=filters.get("status", ""),
    )
    page = countless_page(records, number=request.GET.get("page"), size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/staff_list.html",
        {"organisation": organisation, "search": search, "page": page, "query": query.urlencode()},
    )


@require_safe
@org_view("organisations.view_staff")
def staff_detail(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=pk)
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=record,
        organisation_id=organisation.pk,
        summary=f"Viewed staff record {record.staff_number}",
    )
    return render(
        request,
        "organisations/staff_detail.html",
        {
            "organisation": organisation,
            "record": record,
            # Rows the feature apps add to HR's view (organisations.hooks.staff_record_facts).
            "record_facts": facts_about(record),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.change_staff")
@one_submission
def staff_create(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = NewStaffRecordForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            record = staff_record_create(
                organisation=organisation,
                data=data,
                by=request.user,
                channel=Channel.WEB,
            )
        except ValidationError as error:
            _apply_model_errors(form, error)
        else:
            messages.success(request, _("Staff record added."))
            return redirect("organisations:staff_detail", org_slug=organisation.slug, pk=record.pk)
    return render(
        request,
        "organisations/staff_form.html",
        {"organisation": organisation, "form": form, "record": None},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.change_staff")
def staff_edit(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=pk)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            channel=Channel.WEB,
            target=record,
            organisation_id=organisation.pk,
            summary=f"Opened staff record {record.staff_number} to change it",
        )
    form = StaffRecordForm(request.POST or None, instance=record, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            staff_record_update(
                record=record,
                data=data,
                by=request.user,
                channel=Channel.WEB,
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _apply_model_errors(form, error)
        else:
            messages.success(request, _("Staff record updated."))
            return redirect("organisations:staff_detail", org_slug=organisation.slug, pk=record.pk)
    return render(
        request,
        "organisations/staff_form.html",
        {"organisation": organisation, "form": form, "record": record},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.change_staff")
def staff_mark_left(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=pk)
    form = MarkLeftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_record_mark_left(
            record=record,
            left_on=form.cleaned_data["left_on"],
            by=request.user,
            channel=Channel.WEB,
        )
        messages.success(
            request,
            _(
                "%(name)s is marked as having left. Every role and power they held here has ended; "
                "they can still reach their own records."
            )
            % {"name": record.full_name},
        )
        return redirect("organisations:staff_detail", org_slug=organisation.slug, pk=record.pk)
    return render(
        request,
        "organisations/staff_mark_left.html",
        {"organisation": organisation, "form": form, "record": record},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.view_units")
@one_submission
def unit_list(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "POST" and not request.user.has_perm(
        "organisations.change_units", organisation
    ):
        raise PermissionDenied
    form = UnitForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            unit_create(
                organisation=organisation,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
                by=request.user,
                channel=Channel.WEB,
            )
        except ValidationError as error:
            _apply_model_errors(form, error)
        else:
            messages.success(request, _("Unit added."))
            return redirect("organisations:unit_list", org_slug=organisation.slug)
    page = countless_page(
        units_of(organisation=organisation), number=request.GET.get("page"), size=PAGE_SIZE
    )
    return render(
        request,
        "organisations/unit_list.html",
        {"organisation": organisation, "form": form, "page": page},
    )
