"""The organisation's strategy plan: list, create, read, change, and report progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from organisations.access import org_view
from organisations.types import OrgRequest
from plans.criteria import framework_criteria
from plans.forms import (
    ActionForm,
    NewActionForm,
    NewOrgPlanForm,
    NewPriorityForm,
    OrgPlanForm,
    PriorityForm,
    ProgressForm,
    criterion_choices,
)
from plans.models import ActionPoint, OrgPlan, Priority
from plans.selectors import (
    access_action_point,
    access_org_plan,
    access_priority,
    latest_by_period,
    member_by_email,
    org_plan_layout,
    org_plans_visible_to,
)
from plans.services import (
    ActionInput,
    ProgressKept,
    action_create,
    action_delete,
    action_update,
    org_plan_create,
    org_plan_update,
    priority_create,
    priority_delete,
    priority_update,
    progress_add,
)
from shared.forms import attempt
from shared.once import one_submission


def _to_plan(request: OrgRequest, plan: OrgPlan) -> HttpResponse:
    return redirect("plans:org_plan_detail", request.organisation.slug, plan.pk)


def _managed_plan(request: OrgRequest, pk: int) -> OrgPlan:
    plan = access_org_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    if not request.user.has_perm("plans.change_org_plan", plan):
        raise PermissionDenied
    return plan


def _form_page(
    request: OrgRequest, form: Any, *, title: str, back: str, plan: OrgPlan | None = None
) -> HttpResponse:
    return render(
        request,
        "plans/form.html",
        {
            "organisation": request.organisation,
            "form": form,
            "title": title,
            "back": back,
            "plan": plan,
        },
    )


@require_safe
@org_view("plans.use_plans")
def org_plan_list(request: OrgRequest) -> HttpResponse:
    """Every plan for the roles that read them all; for anyone else, as in the API, only
    the plans where they own an action point."""
    organisation = request.organisation
    plans = list(org_plans_visible_to(viewer=request.user, organisation=organisation))
    return render(
        request,
        "plans/org_plan_list.html",
        {
            "organisation": organisation,
            "plans": plans,
            "reads_all": request.user.has_perm("plans.list_org_plans", organisation),
            "can_manage": request.user.has_perm("plans.manage_org_plans", organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
@one_submission
def org_plan_new(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    form = NewOrgPlanForm(request.POST or None, initial={"period_start": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = attempt(
            form,
            lambda: org_plan_create(
                organisation=request.organisation,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                periods=form.period_list(),
                by=request.user,
            ),
        )
        if plan is not None:
            messages.success(request, _("Plan created. Now add its priorities."))
            return _to_plan(request, plan)
    return _form_page(
        request,
        form,
        title=_("Create an action plan"),
        back=reverse("plans:org_plan_list", args=[request.organisation.slug]),
    )


@require_safe
@org_view("plans.use_plans")
def org_plan_detail(request: OrgRequest, pk: int) -> HttpResponse:
    plan = access_org_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    blocks = org_plan_layout(plan=plan)
    can_manage = request.user.has_perm("plans.change_org_plan", plan)
    for block in blocks:
        for row in block.rows:
            row.can_report = can_manage or row.action.owner_id == request.user.pk
    return render(
        request,
        "plans/org_plan_detail.html",
        {
            "organisation": request.organisation,
            "plan": plan,
            "blocks": blocks,
            "can_manage": can_manage,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
def org_plan_edit(request: OrgRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = OrgPlanForm(
        request.POST or None,
        editing=True,
        initial={
            "version": plan.version,
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "periods": "\n".join(plan.periods),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: org_plan_update(
                plan=plan,
                expected_version=data["version"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                periods=form.period_list(),
                by=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Plan saved."))
            return _to_plan(request, plan)
    return _form_page(
        request, form, title=_("Change the plan"), back=_plan_url(request, plan), plan=plan
    )


def _plan_url(request: OrgRequest, plan: OrgPlan) -> str:
    return reverse("plans:org_plan_detail", args=[request.organisation.slug, plan.pk])


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
@one_submission
def priority_new(request: OrgRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = NewPriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: priority_create(
                plan=plan,
                number=data["number"],
                title=data["title"],
                aim=data["aim"],
                by=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Priority added."))
            return _to_plan(request, plan)
    return _form_page(
        request, form, title=_("Add a priority"), back=_plan_url(request, plan), plan=plan
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
def priority_edit(request: OrgRequest, pk: int, priority_pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    priority = access_priority(plan=plan, pk=priority_pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            priority_delete(priority=priority, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:priority_edit", request.organisation.slug, plan.pk, priority.pk)
        messages.success(request, _("Priority deleted."))
        return _to_plan(request, plan)
    form = PriorityForm(
        request.POST or None,
        editing=True,
        initial={
            "version": priority.version,
            "number": priority.number,
            "title": priority.title,
            "aim": priority.aim,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: priority_update(
                priority=priority,
                expected_version=data["version"],
                number=data["number"],
                title=data["title"],
                aim=data["aim"],
                by=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Priority saved."))
            return _to_plan(request, plan)
    return render(
        request,
        "plans/priority_form.html",
        {
            "organisation": request.organisation,
            "form": form,
            "plan": plan,
            "priority": priority,
            "empty": not priority.actions.exists(),
        },
    )


def _action_form(
    request: OrgRequest,
    plan: OrgPlan,
    *,
    initial: dict[str, Any],
    keep: dict[str, str],
    editing: bool = False,
) -> ActionForm:
    return (ActionForm if editing else NewActionForm)(
        request.POST or None,
        editing=editing,
        plan=plan,
        priorities=list(plan.priorities.all()),
        criteria=criterion_choices(framework_criteria(), keep=keep),
        initial=initial,
    )


def _action_input(
    request: OrgRequest, form: ActionForm, current: ActionPoint | None
) -> ActionInput | None:
    """What the form says, with the owner found by email; ``None`` (with an error) if not."""
    data = form.cleaned_data
    owner = None
    if data["owner_email"]:
        owner = member_by_email(organisation=request.organisation, email=data["owner_email"])
        if owner is None:
            form.add_error(
                "owner_email", _("Nobody with that email address is a member of this organisation.")
            )
            return None
    ref = data.get("criterion") or ""
    if "criterion" not in form.fields and current is not None:
        ref = current.criterion_ref  # no frameworks to choose from: keep what is there
    title = form.titles.get(ref, current.criterion_title if current else "") if ref else ""
    return ActionInput(
        planned_action=data["planned_action"],
        number=data["number"],
        what_we_will_do=data["what_we_will_do"],
        risks=data["risks"],
        owner=owner,
        due_on=data["due_on"],
        status=data["status"],
        criterion_ref=ref,
        criterion_title=title,
        requirement_ref=current.requirement_ref if current else "",
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
@one_submission
def action_new(request: OrgRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    priorities = list(plan.priorities.all())
    if not priorities:
        messages.info(request, _("Add a priority first: every action point sits under one."))
        return redirect("plans:priority_new", request.organisation.slug, plan.pk)
    chosen = request.GET.get("priority", "")
    form = _action_form(
        request, plan, initial={"priority": chosen if chosen.isdigit() else ""}, keep={}
    )
    if request.method == "POST" and form.is_valid():
        data = _action_input(request, form, None)
        priority = next(p for p in priorities if p.pk == form.cleaned_data["priority"])
        priority.plan = plan
        saved = (
            attempt(form, lambda: action_create(priority=priority, data=data, by=request.user))
            if data is not None
            else None
        )
        if saved is not None:
            messages.success(
                request, _("Action point %(number)s added.") % {"number": saved.number}
            )
            return _to_plan(request, plan)
    return _form_page(
        request, form, title=_("Add an action point"), back=_plan_url(request, plan), plan=plan
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.manage_org_plans")
def action_edit(request: OrgRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    action = access_action_point(plan=plan, pk=action_pk)
    if request.method == "POST" and "delete" in request.POST:
        try:
            action_delete(action=action, by=request.user)
        except ProgressKept as kept:
            messages.error(request, kept.message)
            return redirect("plans:action_edit", request.organisation.slug, plan.pk, action.pk)
        messages.success(request, _("Action point %(number)s deleted.") % {"number": action.number})
        return _to_plan(request, plan)
    form = _action_form(
        request,
        plan,
        initial={
            "version": action.version,
            "priority": action.priority_id,
            "number": action.number,
            "planned_action": action.planned_action,
            "what_we_will_do": action.what_we_will_do,
            "risks": action.risks,
            "owner_email": action.owner.email if action.owner else "",
            "due_on": action.due_on,
            "status": action.status,
            "criterion": action.criterion_ref,
        },
        keep={action.criterion_ref: action.criterion_title} if action.criterion_ref else {},
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = _action_input(request, form, action)
        priority: Priority | None = next(
            (p for p in plan.priorities.all() if p.pk == form.cleaned_data["priority"]), None
        )
        saved = (
            attempt(
                form,
                lambda: action_update(
                    action=action,
                    expected_version=form.cleaned_data["version"],
                    data=data,
                    priority=priority,
                    by=request.user,
                ),
            )
            if data is not None
            else None
        )
        if saved is not None:
            messages.success(
                request, _("Action point %(number)s saved.") % {"number": saved.number}
            )
            return _to_plan(request, plan)
    return render(
        request,
        "plans/action_form.html",
        {
            "organisation": request.organisation,
            "form": form,
            "plan": plan,
            "action": action,
            "has_progress": action.progress.exists(),
        },
    )


@require_safe
@org_view("plans.use_plans")
def action_detail(request: OrgRequest, pk: int, action_pk: int) -> HttpResponse:
    """One action point with every progress entry ever written, newest first."""
    plan = access_org_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    action = access_action_point(plan=plan, pk=action_pk)
    entries = list(action.progress.all())
    latest, _count = latest_by_period(entries, plan.periods)
    return render(
        request,
        "plans/action_detail.html",
        {
            "organisation": request.organisation,
            "plan": plan,
            "action": action,
            "entries": entries,
            "latest": list(zip(plan.periods, latest, strict=True)),
            "can_report": request.user.has_perm("plans.add_progress", action),
            "can_manage": request.user.has_perm("plans.change_org_plan", plan),
        },
    )


def _current_period(plan: OrgPlan) -> str:
    """The period today falls in, when the labels are financial years; else the first."""
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    label = f"{year}/{(year + 1) % 100:02d}"
    return label if label in plan.periods else (plan.periods[0] if plan.periods else "")


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
@one_submission
def progress_new(request: OrgRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = access_org_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    action = access_action_point(plan=plan, pk=action_pk)
    if not request.user.has_perm("plans.add_progress", action):
        raise PermissionDenied
    form = ProgressForm(
        request.POST or None, periods=plan.periods, initial={"period": _current_period(plan)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: progress_add(
                action=action,
                period=data["period"],
                text=data["text"],
                rag=data["rag"],
                by=request.user,
            ),
        )
        if saved is not None:
            messages.success(
                request, _("Progress added to %(number)s.") % {"number": action.number}
            )
            return _to_plan(request, plan)
    return render(
        request,
        "plans/progress_form.html",
        {"organisation": request.organisation, "form": form, "plan": plan, "action": action},
    )
