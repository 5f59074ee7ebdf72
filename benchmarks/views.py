"""Benchmark pages: thin views over the selectors and services.

HR admins and organisation admins run assessments; the executive sponsor and the carer
champion read them. The permission decorator answers 403 to anyone else in the
organisation; another organisation's assessment is not found (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from benchmarks.documents import evidence_pack_pdf
from benchmarks.forms import (
    NEW_PLAN,
    CriterionForm,
    PlanForm,
    SignOffForm,
    StartForm,
    UploadForm,
    answer_field,
    links_as_text,
    notes_field,
)
from benchmarks.frameworks import frameworks, get_framework
from benchmarks.gaps import default_target, gaps_for
from benchmarks.models import AnswerStatus, Assessment, CriterionEvidence
from benchmarks.selectors import (
    AssessmentView,
    assessment_in,
    assessment_view,
    assessments_of,
    comparable_versions,
    compare,
    draft_of,
    evidence_file_in,
    latest_framework_plan,
    plan_options,
    statuses,
)
from benchmarks.services import (
    AnswerInput,
    AssessmentError,
    assessment_delete,
    assessment_sign_off,
    assessment_start,
    criterion_save,
    evidence_remove,
    evidence_upload,
    gaps_to_plan,
    write_refusal,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from plans.public import GapsAdded, PlanOption
from shared.forms import attempt
from shared.once import one_submission
from shared.writes import EditConflict

VIEW = "benchmarks.view_assessments"
RUN = "benchmarks.run_assessments"
ANSWER_LABELS = dict(AnswerStatus.choices)


def _can_run(request: OrgRequest) -> bool:
    return request.user.has_perm(RUN, request.organisation)


def _assessment(request: OrgRequest, pk: int) -> Assessment:
    return assessment_in(organisation=request.organisation, pk=pk)


def _refused_now(request: OrgRequest, assessment: Assessment) -> AssessmentError | None:
    """After a refused write: whether the assessment now refuses every change (signed off
    or its framework gone meanwhile), read afresh. Pages then stop offering the form."""
    return write_refusal(_assessment(request, assessment.pk))


def _to_overview(assessment: Assessment) -> HttpResponse:
    return redirect("assessment_detail", org_slug=assessment.organisation.slug, pk=assessment.pk)


def _context(request: OrgRequest, **extra: Any) -> dict[str, Any]:
    return {"organisation": request.organisation, "can_run": _can_run(request), **extra}


@require_safe
@org_view(VIEW)
def benchmarks_home(request: OrgRequest) -> HttpResponse:
    assessments = assessments_of(organisation=request.organisation)
    available = sorted(frameworks().values(), key=lambda f: f.name)
    drafts = {a.framework_slug: a for a in assessments if a.is_draft}
    names = {f.slug: f for f in available}
    rows = [
        {
            "assessment": a,
            "framework": names.get(a.framework_slug),
            "level": names[a.framework_slug].level_name(a.overall_level)
            if a.framework_slug in names
            else a.overall_level,
        }
        for a in assessments
    ]
    return render(
        request,
        "benchmarks/home.html",
        _context(
            request,
            frameworks=[(f, drafts.get(f.slug)) for f in available],
            rows=rows,
        ),
    )


@require_safe
@org_view(VIEW)
def framework_detail(request: OrgRequest, slug: str) -> HttpResponse:
    framework = get_framework(slug)
    if framework is None:
        raise Http404
    return render(
        request,
        "benchmarks/framework.html",
        _context(
            request,
            framework=framework,
            criteria=[
                (c, [(r, framework.level_name(r.level)) for r in c.requirements])
                for c in framework.criteria
            ],
            draft=draft_of(organisation=request.organisation, framework_slug=slug),
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(RUN)
@one_submission
def assessment_start_view(request: OrgRequest) -> HttpResponse:
    available = sorted(frameworks().values(), key=lambda f: f.name)
    form = StartForm(
        request.POST or None,
        initial={"framework": request.GET.get("framework", "")},
        frameworks=available,
    )
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form,
            lambda: assessment_start(
                organisation=request.organisation,
                framework_slug=form.cleaned_data["framework"],
                by=request.user,
            ),
        )
        if assessment is not None:
            messages.success(request, _("Self-assessment started."))
            return _to_overview(assessment)
    return render(request, "benchmarks/start.html", _context(request, form=form))


@require_safe
@org_view(VIEW)
def assessment_detail(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    view = assessment_view(assessment, today=timezone.localdate())
    return render(
        request,
        "benchmarks/assessment.html",
        _context(
            request,
            assessment=assessment,
            view=view,
            framework=view.framework,
            result=view.result,
            overall=view.framework.level_name(view.result.overall),
            next_name=view.framework.level_name(view.result.next_level),
            criteria=_criteria_rows(view),
            others=comparable_versions(assessment),
            draft=None
            if assessment.is_draft
            else draft_of(
                organisation=request.organisation, framework_slug=assessment.framework_slug
            ),
        ),
    )


def _criteria_rows(view: AssessmentView) -> list[dict[str, Any]]:
    """Each criterion with its level, what is missing for the next one and its live evidence."""
    requirements = {r.key: r for _c, r in view.framework.requirements()}
    rows = []
    for item in view.result.criteria:
        rows.append(
            {
                "criterion": item.criterion,
                "level": view.framework.level_name(item.result.level),
                "next_level": view.framework.level_name(item.result.next_level),
                "progress": item.result.progress,
                "missing": [requirements[key] for key in item.result.missing],
                "checklist": item.checklist,
                "measures": [
                    view.measurements[name]
                    for name in item.criterion.measures()
                    if name in view.measurements
                ],
                "files": view.files.get(item.criterion.key, []),
            }
        )
    return rows


# --- A criterion: answers, text, links and files -----------------------------------------


def _criterion_initial(view: AssessmentView, key: str) -> dict[str, Any]:
    evidence = view.evidence.get(key)
    initial: dict[str, Any] = {
        "narrative": evidence.narrative if evidence else "",
        "links": links_as_text(evidence.links) if evidence else "",
        "version": evidence.version if evidence else 0,
    }
    criterion = view.framework.criterion(key)
    assert criterion is not None
    for requirement in criterion.requirements:
        answer = view.answers.get(requirement.key)
        initial[answer_field(requirement.key)] = answer.status if answer else AnswerStatus.NOT_MET
        initial[notes_field(requirement.key)] = answer.notes if answer else ""
    return initial


def _criterion_page(
    request: OrgRequest,
    assessment: Assessment,
    key: str,
    *,
    form: CriterionForm | None = None,
    upload_form: UploadForm | None = None,
    clashes: list[str] | None = None,
    refused: bool = False,
) -> HttpResponse:
    """The criterion, with its forms only when a save could succeed. ``refused``: the form
    was refused for good (signed off, framework gone); it is shown with what was typed,
    to copy, but without its button."""
    view = assessment_view(assessment, today=timezone.localdate())
    criterion = view.framework.criterion(key)
    if criterion is None:
        raise Http404
    refusal = write_refusal(assessment) if _can_run(request) else None
    editable = _can_run(request) and refusal is None and not refused
    if refused and form is not None:
        form.helper.inputs = []
    if editable and form is None:
        form = CriterionForm(
            initial=_criterion_initial(view, key), framework=view.framework, criterion=criterion
        )
    if editable and upload_form is None:
        upload_form = UploadForm(action=_upload_url(assessment, key))
    item = view.result.for_criterion(key)
    assert item is not None
    return render(
        request,
        "benchmarks/criterion.html",
        _context(
            request,
            assessment=assessment,
            framework=view.framework,
            criterion=criterion,
            result=item.result,
            checklist=item.checklist,
            level=view.framework.level_name(item.result.level),
            next_level=view.framework.level_name(item.result.next_level),
            answers=[
                (r, view.framework.level_name(r.level), view.answers.get(r.key))
                for r in criterion.requirements
            ],
            answer_labels=ANSWER_LABELS,
            evidence=view.evidence.get(key),
            files=view.files.get(key, []),
            measures=[view.measurements[n] for n in criterion.measures() if n in view.measurements],
            form=form if editable or refused else None,
            upload_form=upload_form if editable else None,
            clashes=clashes or [],
            refused=refused,
            # Why HR cannot change a draft, when they cannot.
            notice=refusal.message if refusal and assessment.is_draft and not refused else "",
        ),
    )


def _upload_url(assessment: Assessment, key: str) -> str:
    return reverse("evidence_upload", args=[assessment.organisation.slug, assessment.pk, key])


def _clash_lines(assessment: Assessment, key: str, form: CriterionForm) -> list[str]:
    """What the other person saved that differs from what this person typed."""
    saved = {a.requirement_key: a for a in assessment.answers.filter(criterion_key=key)}
    lines = []
    for requirement in form.criterion.requirements:
        typed = form.cleaned_data.get(answer_field(requirement.key))
        answer = saved.get(requirement.key)
        now = answer.status if answer else AnswerStatus.NOT_MET
        if typed and typed != now:
            lines.append(
                _("“%(text)s” is saved as %(now)s; you chose %(typed)s.")
                % {
                    "text": requirement.text,
                    "now": ANSWER_LABELS[now].lower(),
                    "typed": ANSWER_LABELS[typed].lower(),
                }
            )
    evidence = CriterionEvidence.objects.filter(assessment=assessment, criterion_key=key).first()
    if evidence and evidence.narrative != (form.cleaned_data.get("narrative") or "").strip():
        lines.append(_("The evidence text was changed too."))
    return lines


@require_http_methods(["GET", "POST"])
@org_view(VIEW)
def criterion_detail(request: OrgRequest, pk: int, key: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if request.method == "GET":
        return _criterion_page(request, assessment, key)
    if not _can_run(request):
        raise PermissionDenied
    view = assessment_view(assessment, today=timezone.localdate())
    criterion = view.framework.criterion(key)
    if criterion is None:
        raise Http404
    form = CriterionForm(request.POST, framework=view.framework, criterion=criterion)
    clashes: list[str] = []

    def show_clashes(_conflict: EditConflict) -> None:
        clashes.extend(_clash_lines(assessment, key, form))

    # Signed off or framework gone before this arrived, or while it was saved: say so, and
    # give back what was typed rather than losing it.
    refusal = write_refusal(assessment)
    if refusal is not None:
        form.add_error(None, refusal.message)
    elif form.is_valid():
        saved = attempt(
            form,
            lambda: criterion_save(
                assessment=assessment,
                criterion_key=key,
                answers={k: AnswerInput(s, n) for k, (s, n) in form.answers().items()},
                narrative=form.cleaned_data["narrative"],
                links=form.cleaned_data["links"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            ),
            on_conflict=show_clashes,
        )
        if saved is not None:
            messages.success(request, _saved_message(assessment, key))
            return _to_overview(assessment)
        refusal = _refused_now(request, assessment)
    return _criterion_page(
        request, assessment, key, form=form, clashes=clashes, refused=refusal is not None
    )


def _saved_message(assessment: Assessment, key: str) -> str:
    """What the criterion reaches now, so the person sees the effect of their answers."""
    view = assessment_view(assessment, today=timezone.localdate())
    item = view.result.for_criterion(key)
    assert item is not None
    level = view.framework.level_name(item.result.level)
    if view.framework.is_checklist and item.checklist is not None:
        return _("Saved “%(title)s”: %(progress)s.") % {
            "title": item.criterion.title,
            "progress": item.checklist.describe(),
        }
    if level:
        return _("Saved “%(title)s”: it reaches %(level)s.") % {
            "title": item.criterion.title,
            "level": level,
        }
    return _("Saved “%(title)s”: it does not reach a level yet.") % {"title": item.criterion.title}


@require_POST
@org_view(RUN)
@one_submission
def evidence_upload_view(request: OrgRequest, pk: int, key: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = UploadForm(request.POST, request.FILES, action=_upload_url(assessment, key))
    if form.is_valid():
        item = attempt(
            form,
            lambda: evidence_upload(
                assessment=assessment,
                criterion_key=key,
                upload=form.cleaned_data["file"],
                is_carers_policy=form.cleaned_data["is_carers_policy"],
                by=request.user,
            ),
        )
        if item is not None:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": item.download_name})
            return redirect("criterion_detail", request.organisation.slug, assessment.pk, key)
        # A draft that takes no more files (signed off, framework gone) has no upload form
        # to show the reason on.
        refusal = _refused_now(request, assessment)
        if refusal is not None:
            messages.error(request, refusal.message)
            return _to_overview(assessment)
    return _criterion_page(request, assessment, key, upload_form=form)


@require_safe
@org_view(VIEW)
def evidence_download(request: OrgRequest, pk: int, file_pk: int) -> HttpResponse:
    """The file as stored, always as a download, with the type found when it was checked."""
    assessment = _assessment(request, pk)
    item = evidence_file_in(assessment=assessment, pk=file_pk)
    try:
        with default_storage.open(item.stored_name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = item.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=item.download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def evidence_remove_view(request: OrgRequest, pk: int, file_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    item = evidence_file_in(assessment=assessment, pk=file_pk)
    if request.method == "POST":
        try:
            evidence_remove(item=item, by=request.user)
        except AssessmentError as error:
            messages.error(request, error.message)
            return _to_overview(assessment)
        messages.success(request, _("“%(name)s” removed.") % {"name": item.download_name})
        return redirect(
            "criterion_detail", request.organisation.slug, assessment.pk, item.criterion_key
        )
    return render(
        request,
        "benchmarks/confirm.html",
        _context(
            request,
            assessment=assessment,
            title=_("Remove “%(name)s”?") % {"name": item.download_name},
            body=_("The file is removed from this draft. Signed-off versions keep their copy."),
            button=_("Remove the file"),
            back=reverse(
                "criterion_detail",
                args=[request.organisation.slug, assessment.pk, item.criterion_key],
            ),
        ),
    )


# --- Sign-off, new versions, deletion --------------------------------------------------


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def assessment_sign_off_view(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        messages.info(request, _("This assessment is already signed off."))
        return _to_overview(assessment)
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
                _("Version %(n)s signed off. It can no longer be changed.")
                % {"n": assessment.number},
            )
            return _to_overview(assessment)
        refusal = _refused_now(request, assessment)
    elif refusal is not None and form.is_bound:
        form.add_error(None, refusal.message)
    return render(
        request,
        "benchmarks/sign_off.html",
        _context(
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
    assessment = _assessment(request, pk)
    try:
        started = assessment_start(
            organisation=request.organisation,
            framework_slug=assessment.framework_slug,
            based_on=assessment,
            by=request.user,
        )
    except AssessmentError as error:
        messages.error(request, error.message)
        return _to_overview(assessment)
    messages.success(
        request,
        _("Version %(n)s started from version %(old)s.")
        % {"n": started.number, "old": assessment.number},
    )
    return _to_overview(started)


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def assessment_delete_view(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        messages.error(
            request, _("A signed-off assessment is kept as a record and cannot be deleted.")
        )
        return _to_overview(assessment)
    if request.method == "POST":
        try:
            assessment_delete(assessment=assessment, by=request.user)
        except AssessmentError as error:  # signed off since the page was opened
            messages.error(request, error.message)
            return _to_overview(assessment)
        messages.success(request, _("The draft has been deleted."))
        return redirect("benchmarks_home", org_slug=request.organisation.slug)
    return render(
        request,
        "benchmarks/confirm.html",
        _context(
            request,
            assessment=assessment,
            title=_("Delete draft version %(n)s?") % {"n": assessment.number},
            body=_("Its answers, evidence and uploaded files are deleted. This cannot be undone."),
            button=_("Delete the draft"),
            back=reverse("assessment_detail", args=[request.organisation.slug, assessment.pk]),
        ),
    )


# --- Reading: compare and the evidence pack -------------------------------------------


@require_safe
@org_view(VIEW)
def assessment_compare(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    others = comparable_versions(assessment)
    chosen = request.GET.get("with", "")
    other = next((a for a in others if str(a.pk) == chosen), None)
    if other is None and chosen:
        raise Http404
    if other is None:
        other = next((a for a in others if a.pk == assessment.based_on_id), None) or (
            others[0] if others else None
        )
    comparison = compare(other, assessment) if other is not None else None
    return render(
        request,
        "benchmarks/compare.html",
        _context(
            request,
            assessment=assessment,
            others=others,
            other=other,
            comparison=comparison,
            answer_labels=ANSWER_LABELS,
        ),
    )


@require_safe
@org_view(VIEW)
def assessment_pack(request: OrgRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    view = assessment_view(assessment, today=timezone.localdate())
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        channel=Channel.WEB,
        target=assessment,
        organisation_id=request.organisation.pk,
        summary=f"Downloaded the evidence pack of self-assessment version {assessment.number}",
    )
    response = HttpResponse(evidence_pack_pdf(view), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{assessment.framework_slug}-version-{assessment.number}.pdf"'
    )
    return response


# --- Gaps into an action plan ----------------------------------------------------------


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
    assessment = _assessment(request, pk)
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
                reverse("org_plan_detail", args=[request.organisation.slug, done.plan.id])
            )
    return render(
        request,
        "benchmarks/plan.html",
        _context(
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
