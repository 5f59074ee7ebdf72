"""A deployment admin sets up a partnership's organisations and units from a file.

Checked first, with nothing written; the preview's confirmation carries the checked plan,
signed, so what is applied is exactly what was shown (docs/organisation-setup.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Channel
from organisations.access import deployment_admin_view
from organisations.forms import OrganisationSetupConfirmForm, OrganisationSetupForm
from organisations.services import organisation_setup_apply
from organisations.setup_import import (
    CHANGE,
    CREATE,
    HEADINGS,
    MAX_ROWS,
    RENAME,
    REQUIRED,
    SetupPlan,
    plan_setup,
    sign_plan,
    unsign_plan,
)
from shared.forms import attempt
from shared.once import one_submission
from shared.text import clean_filename

_UPLOAD = "organisations/setup_upload.html"
_PREVIEW = "organisations/setup_preview.html"


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)  # signed in: deployment_admin_view


def _upload_page(request: HttpRequest, form: OrganisationSetupForm, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "headings": HEADINGS,
        "required": {HEADINGS[name] for name in REQUIRED},
        "max_rows": MAX_ROWS,
        **extra,
    }
    return render(request, _UPLOAD, context)


def _preview_page(
    request: HttpRequest, plan: SetupPlan, form: OrganisationSetupConfirmForm, partnership: Any
) -> HttpResponse:
    form.helper.form_action = reverse("organisations:setup_confirm")
    return render(
        request,
        _PREVIEW,
        {
            "form": form,
            "plan": plan,
            "partnership": partnership,
            "counts": plan.counts(),
            "new_organisations": plan.first_organisations(CREATE),
            "renamed_organisations": plan.first_organisations(RENAME),
            "new_units": plan.first_units(CREATE),
            "changed_units": plan.first_units(CHANGE),
        },
    )


@require_http_methods(["GET", "POST"])
@deployment_admin_view
def setup_import(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the partnership and upload the file; it is checked and nothing written."""
    posted = request.method == "POST"
    form = OrganisationSetupForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if not posted or not form.is_valid():
        return _upload_page(request, form)
    partnership = form.cleaned_data["partnership"]
    upload = form.cleaned_data["file"]
    plan = plan_setup(partnership=partnership, upload=upload, file_name=clean_filename(upload.name))
    if not plan.ok:
        return _upload_page(
            request,
            form,
            error_count=plan.error_count,
            errors=plan.errors,
            hidden_errors=plan.hidden_errors,
        )
    confirm = OrganisationSetupConfirmForm(
        initial={"plan": sign_plan(plan, user_id=_user_id(request))}
    )
    return _preview_page(request, plan, confirm, partnership)


@require_POST
@deployment_admin_view
@one_submission
def setup_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: apply the plan the preview showed, all or nothing."""
    form = OrganisationSetupConfirmForm(request.POST)
    plan = unsign_plan(request.POST.get("plan", ""), user_id=_user_id(request))
    if plan is None or not form.is_valid():
        messages.error(
            request,
            _(
                "That check has expired or could not be read, so nothing has been set up. "
                "Upload the file again."
            ),
        )
        return redirect("organisations:setup_import")
    counts = attempt(
        form,
        lambda: organisation_setup_apply(plan=plan, by=request.user, channel=Channel.WEB),  # type: ignore[arg-type]
    )
    if counts is None:
        # The file must be chosen again; the partnership it was for stays chosen.
        again = OrganisationSetupForm(initial={"partnership": plan.partnership_id})
        return _upload_page(request, again, refusal=form.non_field_errors())
    messages.success(
        request,
        _(
            "Set up from %(file)s: %(organisations)s organisations created, %(renamed)s "
            "renamed, %(units)s units added and %(changed)s changed."
        )
        % {
            "file": plan.file_name,
            "organisations": counts["organisations_created"],
            "renamed": counts["organisations_renamed"],
            "units": counts["units_created"],
            "changed": counts["units_changed"],
        },
    )
    return redirect("organisations:setup_import")
