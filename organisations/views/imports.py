from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations.access import access_staff_import, org_view
from organisations.forms import StaffImportConfirmForm, StaffImportForm
from organisations.models import StaffImport, StaffImportStatus
from organisations.selectors import recent_staff_imports
from organisations.services import (
    STAFF_IMPORT_PROBLEMS_LISTED,
    staff_import_applies_inline,
    staff_import_check_later,
    staff_import_checks_inline,
    staff_import_confirm,
    staff_import_discard,
    staff_import_queue,
    staff_import_stage,
)
from organisations.staff_import import HEADINGS, PROFILES, REQUIRED, shares_shown
from organisations.types import OrgRequest
from shared.once import one_submission


def _job(request: OrgRequest, pk: int) -> StaffImport:
    return access_staff_import(organisation=request.organisation, pk=pk)


@require_http_methods(["GET", "POST"])
@org_view("organisations.import_staff")
@one_submission
def import_upload(request: OrgRequest) -> HttpResponse:
    """Step 1: upload. The file is checked in full and nothing is written yet.

    A large file is checked by a background task, and HR follows it on the status page.
    """
    organisation = request.organisation
    form = StaffImportForm(request.POST or None, request.FILES or None)
    context = {
        "organisation": organisation,
        "form": form,
        "headings": HEADINGS,
        "required": {HEADINGS[name] for name in REQUIRED},
        "recent": recent_staff_imports(organisation=organisation),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        mark_missing_as_left = form.cleaned_data["mark_missing_as_left"]
        if not staff_import_checks_inline(size=upload.size):
            job = staff_import_check_later(
                organisation=organisation,
                upload=upload,
                mark_missing_as_left=mark_missing_as_left,
                by=request.user,
            )
            return redirect("organisations:import_status", org_slug=organisation.slug, pk=job.pk)
        job, plan = staff_import_stage(
            organisation=organisation,
            upload=upload,
            mark_missing_as_left=mark_missing_as_left,
            by=request.user,
        )
        if plan.ok:
            return redirect("organisations:import_preview", org_slug=organisation.slug, pk=job.pk)
        context.update(
            error_count=plan.error_count,
            errors=plan.errors[:STAFF_IMPORT_PROBLEMS_LISTED],
            hidden_errors=max(0, plan.error_count - STAFF_IMPORT_PROBLEMS_LISTED),
        )
        return render(request, "organisations/import_upload.html", context, status=200)
    return render(request, "organisations/import_upload.html", context)


def _confirm_form(
    request: OrgRequest, job: StaffImport, data: Any = None
) -> StaffImportConfirmForm:
    form = StaffImportConfirmForm(data, counts=job.counts, marking_left=job.mark_missing_as_left)
    form.helper.form_action = reverse(
        "organisations:import_confirm", kwargs={"org_slug": request.organisation.slug, "pk": job.pk}
    )
    return form


def _preview_page(
    request: OrgRequest, job: StaffImport, form: StaffImportConfirmForm
) -> HttpResponse:
    counts = job.counts
    return render(
        request,
        "organisations/import_preview.html",
        {
            "organisation": request.organisation,
            "job": job,
            "form": form,
            "background": not staff_import_applies_inline(job),
            "shares_ending": shares_shown(int(counts.get("shares_ending", 0))),
            # The layout the file was read as, told from its headings (docs/staff-import.md).
            "profile": PROFILES.get(job.preview.get("profile", ""), PROFILES["generic"]),
            "above_limit": "force" in form.fields,
        },
    )


@require_http_methods(["GET"])
@org_view("organisations.import_staff")
def import_preview(request: OrgRequest, pk: int) -> HttpResponse:
    """Step 2: what the file will do, before anything is written."""
    organisation = request.organisation
    job = _job(request, pk)
    if job.status == StaffImportStatus.CHECKING:
        return redirect("organisations:import_status", org_slug=organisation.slug, pk=job.pk)
    return _preview_page(request, job, _confirm_form(request, job))


@require_POST
@org_view("organisations.import_staff")
def import_confirm(request: OrgRequest, pk: int) -> HttpResponse:
    """Step 3: apply it, all or nothing: now for a small file, by a background task otherwise.

    Marking people as left needs HR's tick stating how many (and a second one above the
    limit); without it, the preview is shown again with an error and nothing is written.
    """
    organisation = request.organisation
    job = _job(request, pk)
    form = _confirm_form(request, job, request.POST)
    if job.status == StaffImportStatus.PREVIEWED and not form.is_valid():
        return _preview_page(request, job, form)
    left_confirmed = form.left_confirmed
    left_forced = form.is_valid() and form.left_forced
    try:
        if not staff_import_applies_inline(job):
            staff_import_queue(
                job=job, by=request.user, left_confirmed=left_confirmed, left_forced=left_forced
            )
            return redirect("organisations:import_status", org_slug=organisation.slug, pk=job.pk)
        plan = staff_import_confirm(
            job=job, by=request.user, left_confirmed=left_confirmed, left_forced=left_forced
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("organisations:import_upload", org_slug=organisation.slug)
    if not plan.ok:
        messages.error(request, _changed_since_checked())
        return redirect("organisations:import_upload", org_slug=organisation.slug)
    messages.success(request, f"{_complete(plan.counts())} {_import_next()}")
    return redirect("organisations:staff_list", org_slug=organisation.slug)


def _import_next() -> str:
    """What happens after an import, said where HR lands (the background one says it too)."""
    return _(
        "Line managers see their new team members straight away. People new to the service "
        "cannot sign in until you invite them."
    )


def _changed_since_checked() -> str:
    return _(
        "Staff records changed since the file was checked and it no longer applies cleanly. "
        "Nothing was imported: upload the file again to see why."
    )


def _complete(counts: dict[str, int]) -> str:
    return _(
        "Import complete: %(add)s added, %(update)s updated, %(unchanged)s unchanged, %(left)s marked as left."
    ) % {
        "add": counts["add"],
        "update": counts["update"],
        "unchanged": counts["unchanged"],
        "left": counts["mark_left"],
    }


@require_http_methods(["GET"])
@org_view("organisations.import_staff")
def import_status(request: OrgRequest, pk: int) -> HttpResponse:
    """Where a large file's check or import stands. A plain page: HR reloads it (no script needed).

    A file the check refused lists its problems as the upload page does.
    """
    organisation = request.organisation
    job = _job(request, pk)
    problems = job.problems if job.status == StaffImportStatus.REJECTED else {}
    error_count = int(problems.get("count", 0))
    errors = problems.get("listed", [])
    return render(
        request,
        "organisations/import_status.html",
        {
            "organisation": organisation,
            "job": job,
            "complete": _complete(job.counts) if job.status == StaffImportStatus.APPLIED else "",
            "changed_since_checked": _changed_since_checked(),
            "error_count": error_count,
            "errors": errors,
            "hidden_errors": max(0, error_count - len(errors)) if errors else 0,
        },
    )


@require_POST
@org_view("organisations.import_staff")
def import_discard(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    job = _job(request, pk)
    if job.status == StaffImportStatus.PREVIEWED:
        staff_import_discard(job=job)
        messages.success(request, _("The file was discarded. Nothing was imported."))
    return redirect("organisations:import_upload", org_slug=organisation.slug)
