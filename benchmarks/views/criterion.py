"""A criterion of an assessment: its answers, text and links, and its evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from benchmarks.forms import CriterionForm, UploadForm, answer_field, links_as_text, notes_field
from benchmarks.models import AnswerStatus, Assessment
from benchmarks.selectors import AssessmentView, assessment_view, evidence_file_in, evidence_of
from benchmarks.services import (
    AnswerInput,
    AssessmentError,
    criterion_save,
    evidence_remove,
    evidence_upload,
    write_refusal,
)
from benchmarks.views._common import (
    ANSWER_LABELS,
    RUN,
    VIEW,
    assessment_for,
    can_run,
    context,
    refused_now,
    to_overview,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.once import one_submission
from shared.storage import stored_file_response
from shared.writes import EditConflict


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
    refusal = write_refusal(assessment) if can_run(request) else None
    editable = can_run(request) and refusal is None and not refused
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
        context(
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
            measured_at=view.measured_at,
            form=form if editable or refused else None,
            upload_form=upload_form if editable else None,
            clashes=clashes or [],
            refused=refused,
            # Why HR cannot change a draft, when they cannot.
            notice=refusal.message if refusal and assessment.is_draft and not refused else "",
        ),
    )


def _upload_url(assessment: Assessment, key: str) -> str:
    return reverse(
        "benchmarks:evidence_upload", args=[assessment.organisation.slug, assessment.pk, key]
    )


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
    evidence = evidence_of(assessment, key)
    if evidence and evidence.narrative != (form.cleaned_data.get("narrative") or "").strip():
        lines.append(_("The evidence text was changed too."))
    return lines


@require_http_methods(["GET", "POST"])
@org_view(VIEW)
def criterion_detail(request: OrgRequest, pk: int, key: str) -> HttpResponse:
    assessment = assessment_for(request, pk)
    if request.method == "GET":
        return _criterion_page(request, assessment, key)
    if not can_run(request):
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
            return to_overview(assessment)
        refusal = refused_now(request, assessment)
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
    assessment = assessment_for(request, pk)
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
            return redirect(
                "benchmarks:criterion_detail", request.organisation.slug, assessment.pk, key
            )
        # A draft that takes no more files (signed off, framework gone) has no upload form
        # to show the reason on.
        refusal = refused_now(request, assessment)
        if refusal is not None:
            messages.error(request, refusal.message)
            return to_overview(assessment)
    return _criterion_page(request, assessment, key, upload_form=form)


@require_safe
@org_view(VIEW)
def evidence_download(request: OrgRequest, pk: int, file_pk: int) -> FileResponse:
    """The file as stored, streamed, always as a download, with the type found when it was
    checked."""
    assessment = assessment_for(request, pk)
    item = evidence_file_in(assessment=assessment, pk=file_pk)
    return stored_file_response(
        item.stored_name, filename=item.download_name, content_type=item.content_type
    )


@require_http_methods(["GET", "POST"])
@org_view(RUN)
def evidence_remove_view(request: OrgRequest, pk: int, file_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    item = evidence_file_in(assessment=assessment, pk=file_pk)
    if request.method == "POST":
        try:
            evidence_remove(item=item, by=request.user)
        except AssessmentError as error:
            messages.error(request, error.message)
            return to_overview(assessment)
        messages.success(request, _("“%(name)s” removed.") % {"name": item.download_name})
        return redirect(
            "benchmarks:criterion_detail",
            request.organisation.slug,
            assessment.pk,
            item.criterion_key,
        )
    return render(
        request,
        "benchmarks/confirm.html",
        context(
            request,
            assessment=assessment,
            title=_("Remove “%(name)s”?") % {"name": item.download_name},
            body=_("The file is removed from this draft. Signed-off versions keep their copy."),
            button=_("Remove the file"),
            back=reverse(
                "benchmarks:criterion_detail",
                args=[request.organisation.slug, assessment.pk, item.criterion_key],
            ),
        ),
    )
