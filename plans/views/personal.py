"""A person's own action plan: write it, share it with a colleague, download it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import BaseFormSet
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organisations.access import org_view
from organisations.types import OrgRequest
from plans.criteria import framework_criteria
from plans.forms import (
    NewPersonalPlanForm,
    PersonalPlanForm,
    PlanRowForm,
    PlanRowFormSet,
    ShareForm,
    criterion_choices,
    row_formset,
)
from plans.models import PersonalPlan
from plans.selectors import access_own_personal_plan, access_personal_plan, access_plan_share
from plans.services import (
    MAX_ROWS,
    personal_plan_create,
    personal_plan_delete,
    personal_plan_share,
    personal_plan_unshare,
    personal_plan_update,
)
from shared.forms import attempt
from shared.once import one_submission

ROWS = "rows"


def _to_plan(request: OrgRequest, plan: PersonalPlan) -> HttpResponse:
    return redirect("plans:personal_plan_detail", request.organisation.slug, plan.pk)


def _quiet(form: Any) -> None:
    """Show a bound form again without judging it: the person only asked for another row."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


def _quiet_formset(formset: Any) -> None:
    formset._errors = [ErrorDict() for _form in formset.forms]
    formset._non_form_errors = formset.error_class()
    for row_form in formset.forms:
        _quiet(row_form)


def _row_initial(plan: PersonalPlan) -> list[dict[str, Any]]:
    return [
        {
            "row_id": row.pk,
            "criterion": row.criterion_ref,
            "criterion_other": "" if row.criterion_ref else row.criterion_title,
            "action": row.action,
            "help_from": row.help_from,
            "due_on": row.due_on,
            "due_note": row.due_note,
            "done": row.done,
        }
        for row in plan.rows.all()
    ]


def _formset(
    request: OrgRequest, plan: PersonalPlan | None, choices: list[Any]
) -> BaseFormSet[PlanRowForm]:
    form_kwargs = {"criteria": choices}
    if request.method != "POST":
        initial = _row_initial(plan) if plan is not None else []
        # Blank rows to fill in: two on a new plan, one below the rows of an existing one.
        blank = 1 if initial else 2
        return row_formset(blank)(initial=initial, prefix=ROWS, form_kwargs=form_kwargs)
    data = request.POST.copy()
    if "add_row" in data:
        total = int(data.get(f"{ROWS}-TOTAL_FORMS", "0") or 0)
        data[f"{ROWS}-TOTAL_FORMS"] = str(min(total + 1, MAX_ROWS))
    return PlanRowFormSet(data, prefix=ROWS, form_kwargs=form_kwargs)


def _plan_form_page(request: OrgRequest, plan: PersonalPlan | None) -> HttpResponse:
    """Create or change a whole plan on one page: everything is saved together, or
    nothing is and the page comes back with what was typed and why."""
    keep = {
        row.criterion_ref: row.criterion_title
        for row in (plan.rows.all() if plan is not None else [])
        if row.criterion_ref
    }
    choices = criterion_choices(framework_criteria(), keep=keep)
    initial: dict[str, Any] = {}
    if plan is not None:
        initial = {
            "version": plan.version,
            "title": plan.title,
            "goal": plan.goal,
            "first_step": plan.first_step,
            "first_step_on": plan.first_step_on,
        }
    form = (PersonalPlanForm if plan is not None else NewPersonalPlanForm)(
        request.POST or None, initial=initial, editing=plan is not None
    )
    formset = _formset(request, plan, choices)
    if request.method == "POST" and "add_row" in request.POST:
        _quiet(form)
        _quiet_formset(formset)
    elif request.method == "POST":
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            rows = [
                row_form.as_row()
                for row_form in formset.forms
                if row_form.cleaned_data and not row_form.cleaned_data.get("DELETE")
            ]
            data = form.cleaned_data
            fields = {
                "title": data["title"],
                "goal": data["goal"],
                "first_step": data["first_step"],
                "first_step_on": data["first_step_on"],
                "rows": rows,
                "by": request.user,
            }
            saved = attempt(
                form,
                lambda: (
                    personal_plan_create(organisation=request.organisation, **fields)
                    if plan is None
                    else personal_plan_update(plan=plan, expected_version=data["version"], **fields)
                ),
            )
            if saved is not None:
                messages.success(request, _("Plan saved."))
                return _to_plan(request, saved)
    row_errors = [
        (index, row_form)
        for index, row_form in enumerate(formset.forms, start=1)
        if row_form.errors
    ]
    return render(
        request,
        "plans/personal_form.html",
        {
            "organisation": request.organisation,
            "plan": plan,
            "form": form,
            "formset": formset,
            "row_errors": row_errors,
            "has_errors": bool(form.errors or row_errors or formset.non_form_errors()),
            "has_frameworks": any(isinstance(label, list) for _value, label in choices),
            "can_add": len(formset.forms) < MAX_ROWS,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
@one_submission
def personal_plan_new(request: OrgRequest) -> HttpResponse:
    return _plan_form_page(request, None)


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
def personal_plan_edit(request: OrgRequest, pk: int) -> HttpResponse:
    plan = access_own_personal_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    return _plan_form_page(request, plan)


@require_safe
@org_view("plans.use_plans")
def personal_plan_detail(request: OrgRequest, pk: int) -> HttpResponse:
    plan, access = access_personal_plan(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    return render(
        request,
        "plans/personal_detail.html",
        {
            "organisation": request.organisation,
            "plan": plan,
            "rows": list(plan.rows.all()),
            "access": access,
            "shares": plan.open_shares,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
def personal_plan_share_view(request: OrgRequest, pk: int) -> HttpResponse:
    plan = access_own_personal_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        share = attempt(
            form,
            lambda: personal_plan_share(
                plan=plan, email=form.cleaned_data["email"], by=request.user
            ),
        )
        if share is not None:
            messages.success(
                request,
                _("Shared with %(name)s. They can read the plan but not change it.")
                % {"name": share.with_user.get_full_name() or share.with_user.email},
            )
            return _to_plan(request, plan)
    return render(
        request,
        "plans/personal_share.html",
        {
            "organisation": request.organisation,
            "plan": plan,
            "form": form,
            "shares": plan.open_shares,
        },
    )


@require_POST
@org_view("plans.use_plans")
def personal_plan_unshare_view(request: OrgRequest, pk: int, share_pk: int) -> HttpResponse:
    plan = access_own_personal_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    share = access_plan_share(plan=plan, pk=share_pk)
    personal_plan_unshare(share=share, by=request.user)
    messages.success(
        request,
        _("%(name)s can no longer see this plan.")
        % {"name": share.with_user.get_full_name() or share.with_user.email},
    )
    return _to_plan(request, plan)


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
def personal_plan_delete_view(request: OrgRequest, pk: int) -> HttpResponse:
    plan = access_own_personal_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    if request.method == "POST":
        personal_plan_delete(plan=plan, by=request.user)
        messages.success(request, _("Plan deleted."))
        return redirect(reverse("plans:home", args=[request.organisation.slug]))
    return render(
        request, "plans/personal_delete.html", {"organisation": request.organisation, "plan": plan}
    )
