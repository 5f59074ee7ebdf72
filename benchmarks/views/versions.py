"""Signing an assessment off, starting a new version from a signed-off one, and deleting
a draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from benchmarks.forms import SignOffForm
from benchmarks.selectors import assessment_view
from benchmarks.services import (
    AssessmentError,
    assessment_delete,
    assessment_sign_off,
    assessment_start,
    write_refusal,
)
from benchmarks.views._common import RUN, assessment_for, context, refused_now, to_overview
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.writes import EditConflict


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def assessment_sign_off_view(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    if not assessment.is_draft:
        messages.info(request, _("This assessment is already signed off."))
        return to_overview(assessment)
    view = assessment_view(assessment, today=timezone.localdate())
    form = SignOffForm(request.POST or None, initial={"state": view.state})
    refusal = write_refusal(assessment)

    def show_current_state(_conflict: EditConflict) -> None:
        # The page now shows the current level: confirming again signs that.
        data = form.data.copy()  # type: ignore[attr-defined]
        data["state"] = view.state
        data.pop("confirm", None)
        form.data = data

    if request.method == "POST" and refusal is None and form.is_valid():
        signed = attempt(
            form,
            lambda: assessment_sign_off(
                assessment=assessment,
                by=request.user,
                today=timezone.localdate(),
                role=form.cleaned_data["role"],
                expected_state=form.cleaned_data["state"],
            ),
            on_conflict=show_current_state,
        )
        if signed is not None:
            messages.success(
                request,
                _(
                    "Version %(n)s signed off. It can no longer be changed. Download its evidence "
                    "pack for an award application, or start a new version when things change."
                )
                % {"n": assessment.number},
            )
            return to_overview(assessment)
        refusal = refused_now(request, assessment)
    elif refusal is not None and form.is_bound:
        form.add_error(None, refusal.message)
    return render(
        request,
        "benchmarks/sign_off.html",
        context(
            request,
            assessment=assessment,
            framework=view.framework,
            result=view.result,
            overall=view.framework.level_name(view.result.overall),
            form=form,
            # Offered only when signing could succeed; otherwise the reason instead.
            can_sign=refusal is None,
            notice=refusal.message if refusal is not None and not form.is_bound else "",
        ),
    )


@require_POST
@org_view(RUN)
def assessment_new_version(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    try:
        started = assessment_start(
            organisation=request.organisation,
            framework_slug=assessment.framework_slug,
            based_on=assessment,
            by=request.user,
        )
    except AssessmentError as error:
        messages.error(request, error.message)
        return to_overview(assessment)
    messages.success(
        request,
        _("Version %(n)s started from version %(old)s.")
        % {"n": started.number, "old": assessment.number},
    )
    return to_overview(started)


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def assessment_delete_view(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    if not assessment.is_draft:
        messages.error(
            request, _("A signed-off assessment is kept as a record and cannot be deleted.")
        )
        return to_overview(assessment)
    if request.method == "POST":
        try:
            assessment_delete(assessment=assessment, by=request.user)
        except AssessmentError as error:  # signed off since the page was opened
            messages.error(request, error.message)
            return to_overview(assessment)
        messages.success(request, _("The draft has been deleted."))
        return redirect("benchmarks:home", org_slug=request.organisation.slug)
    return render(
        request,
        "benchmarks/confirm.html",
        context(
            request,
            assessment=assessment,
            title=_("Delete draft version %(n)s?") % {"n": assessment.number},
            body=_("Its answers, evidence and uploaded files are deleted. This cannot be undone."),
            button=_("Delete the draft"),
            back=reverse(
                "benchmarks:assessment_detail", args=[request.organisation.slug, assessment.pk]
            ),
        ),
    )
