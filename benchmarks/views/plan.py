"""Turning an assessment's gaps into an action plan (``plans.public`` does the writing)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from benchmarks.forms import NEW_PLAN, PlanForm
from benchmarks.gaps import default_target, gaps_for
from benchmarks.selectors import assessment_view, latest_framework_plan, plan_options, statuses
from benchmarks.services import gaps_to_plan
from benchmarks.views._common import RUN, assessment_for, context
from organisations.access import org_view
from organisations.types import OrgRequest
from plans.public import GapsAdded, PlanOption
from shared.forms import attempt
from shared.writes import EditConflict


def _plan_label(option: PlanOption) -> str:
    plan = option.plan
    return _("%(title)s (%(start)s to %(end)s)") % {
        "title": plan.title,
        "start": date_format(plan.period_start, "j M Y"),
        "end": date_format(plan.period_end, "j M Y"),
    }


def _plan_hint(option: PlanOption, gaps: int) -> str:
    parts = []
    if option.from_assessments:
        parts.append(_("Made from an earlier run of this assessment."))
    if option.covered:
        parts.append(
            ngettext(
                "%(n)s of these gaps already has an open action in it and is not added again.",
                "%(n)s of these gaps already have an open action in it and are not added again.",
                option.covered,
            )
            % {"n": option.covered}
            if option.covered < gaps
            else _("Every one of these gaps already has an open action in it.")
        )
    return " ".join(parts)


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def assessment_plan(request: OrgRequest, pk: int) -> HttpResponse:
    """The gaps up to a chosen level, into an existing plan of the organisation or a new one.

    The default plan is the newest made from this framework, so running it again adds only
    what is new rather than making a second plan with the same actions.
    """
    assessment = assessment_for(request, pk)
    view = assessment_view(assessment, today=timezone.localdate())
    framework = view.framework
    default = default_target(view.result)
    levels = framework.level_keys
    if default is None:
        choices: list[tuple[str, str]] = []
    elif framework.is_checklist:
        choices = [(default, _("Every action not done yet"))]
    else:
        choices = [(key, framework.level_name(key)) for key in levels[levels.index(default) :]]
    title = (
        _("%(framework)s: actions to complete")
        if framework.is_checklist
        else _("%(framework)s: towards %(level)s")
    ) % {"framework": framework.name, "level": framework.level_name(default)}
    bound_target = request.POST.get("target") if request.method == "POST" else None
    target = bound_target if bound_target in levels else default
    answers = statuses(view.answers)
    preview = (
        gaps_for(framework=framework, answers=answers, target=target, assessment_id=assessment.pk)
        if target in levels
        else []
    )
    options = plan_options(
        viewer=request.user,
        organisation=request.organisation,
        framework_slug=assessment.framework_slug,
        gap_refs=[gap.requirement_ref for gap in preview],
    )
    latest = latest_framework_plan(
        organisation=request.organisation, framework_slug=assessment.framework_slug
    )
    form = PlanForm(
        request.POST or None,
        initial={
            "target": default,
            "title": title,
            "plan": str(latest.id) if latest else NEW_PLAN,
            "seen": latest.id if latest else 0,
        },
        choices=choices,
        plans=[(o.plan.id, _plan_label(o), _plan_hint(o, len(preview))) for o in options],
    )
    if request.method == "POST" and choices and form.is_valid():
        chosen = form.chosen_plan()
        plan = next((o.plan for o in options if o.plan.id == chosen), None)
        done = attempt(
            form,
            lambda: gaps_to_plan(
                assessment=assessment,
                gaps=preview,
                by=request.user,
                plan=plan,
                title=form.cleaned_data["title"] or None,
                seen_plan_id=form.cleaned_data["seen"],
            ),
            on_conflict=_choose_newest_plan(form),
        )
        if done is not None:
            messages.success(request, _plan_message(done, gaps=len(preview)))
            return redirect(
                reverse("plans:org_plan_detail", args=[request.organisation.slug, done.plan.id])
            )
    return render(
        request,
        "benchmarks/plan.html",
        context(
            request,
            assessment=assessment,
            framework=framework,
            form=form,
            gaps=preview,
            choices=choices,
        ),
    )


def _choose_newest_plan(form: PlanForm) -> Callable[[EditConflict], None]:
    """A plan was made from this framework after the page was opened (most likely the same
    form sent twice): show the form again with that plan chosen and known, so sending it
    again is safe."""

    def choose(made: EditConflict) -> None:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["plan"] = data["seen"] = str(made.current_version)
        form.data = data

    return choose


def _plan_message(done: GapsAdded, *, gaps: int) -> str:
    if done.created:
        return _("Action plan created with %(n)s actions, one for each gap.") % {"n": done.added}
    if not done.added:
        return _("Nothing added to “%(title)s”: every gap already has an open action there.") % {
            "title": done.plan.title
        }
    return ngettext(
        "%(n)s action added to “%(title)s”; %(kept)s gaps already had an open action there.",
        "%(n)s actions added to “%(title)s”; %(kept)s gaps already had an open action there.",
        done.added,
    ) % {"n": done.added, "title": done.plan.title, "kept": gaps - done.added}
