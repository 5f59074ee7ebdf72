"""HR's pages for the organisation's own modules: the list, a new module, its editor (details,
lessons with a preview, the question pool), a preview of the whole module, publishing and
taking it away from learners.

Only HR admins and organisation admins in post open them (``learning.edit_content``). The
rules are ``learning.own_modules``'s; these views only turn a request into a call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learning.authoring import EDIT_CONTENT, lesson_text_check, normalised
from learning.content import Lesson, render_lesson
from learning.forms import (
    AUDIENCES,
    OwnLessonForm,
    OwnModuleDetailsForm,
    OwnModuleNewForm,
    OwnModulePublishForm,
    OwnQuestionForm,
)
from learning.links import resolve_link
from learning.models import OwnModule
from learning.own_modules import (
    current_version,
    has_unpublished_changes,
    own_lesson_move,
    own_lesson_remove,
    own_lesson_save,
    own_module_create,
    own_module_details_save,
    own_module_publish,
    own_module_retire,
    own_question_remove,
    own_question_save,
    publish_problems,
)
from learning.selectors import (
    access_own_module,
    draft_lessons,
    draft_questions,
    own_modules_of,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import add_validation_errors, attempt, posted_version
from shared.once import one_submission
from shared.writes import RuleError


def _render(request: OrgRequest, lesson: Lesson) -> SafeString:
    slug = request.organisation.slug
    # A link a later release broke shows as text; the editor lists it as a problem.
    return render_lesson(
        lesson,
        resolve_link=lambda href: resolve_link(href, org_slug=slug),
        broken_links_as_text=True,
    )


def _editor(request: OrgRequest, own: OwnModule) -> HttpResponse:
    return redirect("learning:own_module", request.organisation.slug, own.slug)


@require_safe
@org_view(EDIT_CONTENT)
def own_modules(request: OrgRequest) -> HttpResponse:
    """The organisation's own modules, with whether each is a draft, published or taken away."""
    return render(
        request,
        "learning/own_modules.html",
        {
            "organisation": request.organisation,
            "modules": own_modules_of(organisation=request.organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(EDIT_CONTENT)
@one_submission
def own_module_new(request: OrgRequest) -> HttpResponse:
    form = OwnModuleNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        own = attempt(
            form,
            lambda: own_module_create(
                organisation=request.organisation, user=request.user, details=form.details()
            ),
        )
        if own is not None:
            messages.success(
                request,
                _("Module added. Add its lessons and questions, then publish it."),
            )
            return _editor(request, own)
    return render(
        request,
        "learning/own_module_new.html",
        {"organisation": request.organisation, "form": form},
    )


def _editor_page(request: OrgRequest, own: OwnModule, form: OwnModulePublishForm) -> HttpResponse:
    published = current_version(own)
    context = {
        "organisation": request.organisation,
        "own": own,
        "draft": own.draft,
        "lessons": draft_lessons(own),
        "questions": draft_questions(own),
        "published": published,
        "changed": has_unpublished_changes(own, published),
        "problems": publish_problems(own),
        "audience": dict(AUDIENCES)[own.draft["audience"]],
        "form": form,
    }
    return render(request, "learning/own_module.html", context)


@require_safe
@org_view(EDIT_CONTENT)
def own_module(request: OrgRequest, module: str) -> HttpResponse:
    """The editor: the module's details, lessons and questions, and publishing."""
    own = access_own_module(organisation=request.organisation, slug=module)
    form = OwnModulePublishForm(initial={"version": own.version}, first=own.published_version == 0)
    return _editor_page(request, own, form)


@require_POST
@org_view(EDIT_CONTENT)
def own_module_publish_view(request: OrgRequest, module: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    form = OwnModulePublishForm(request.POST, first=own.published_version == 0)
    if form.is_valid():
        before = own.published_version
        was_retired = own.retired_at is not None
        attempt(
            form,
            lambda: own_module_publish(
                own=own,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                withdraw_reason=form.withdraw_reason(),
            ),
        )
        if not form.errors:
            if own.published_version != before:
                messages.success(
                    request,
                    _("Version %(n)s is published: learners here can take it now.")
                    % {"n": own.published_version},
                )
            elif was_retired and own.retired_at is None:
                messages.success(request, _("Learners here can take the module again."))
            return _editor(request, own)
    own.refresh_from_db()
    return _editor_page(request, own, form)


@require_POST
@org_view(EDIT_CONTENT)
def own_module_retire_view(request: OrgRequest, module: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    was_retired = own.retired_at is not None
    try:
        deleted = own_module_retire(
            own=own, user=request.user, expected_version=posted_version(request)
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
        return _editor(request, own)
    if deleted:
        messages.success(request, _("The draft module has been deleted."))
        return redirect("learning:own_modules", request.organisation.slug)
    if not was_retired:
        messages.success(
            request,
            _(
                "Learners here no longer see the module. Badges earned on it still stand. "
                "Publish it again to bring it back."
            ),
        )
    return _editor(request, own)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(EDIT_CONTENT)
def own_module_details(request: OrgRequest, module: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    if request.method == "POST":
        form = OwnModuleDetailsForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: own_module_details_save(
                    own=own,
                    user=request.user,
                    details=form.details(),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return _editor(request, own)
    else:
        draft = own.draft
        form = OwnModuleDetailsForm(
            initial={
                "version": own.version,
                **{
                    key: draft[key]
                    for key in (
                        "title",
                        "summary",
                        "audience",
                        "pass_mark",
                        "questions_per_attempt",
                    )
                },
            }
        )
    return render(
        request,
        "learning/own_module_details.html",
        {"organisation": request.organisation, "own": own, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(EDIT_CONTENT)
def own_lesson(request: OrgRequest, module: str, lesson: str = "") -> HttpResponse:
    """A new lesson (no ``lesson``) or one of the draft's. "Preview" shows it below the form as
    learners would see it and saves nothing; "Save" keeps it in the draft."""
    own = access_own_module(organisation=request.organisation, slug=module)
    entry = next((e for e in own.draft["lessons"] if e["slug"] == lesson), None)
    if lesson and entry is None and request.method != "POST":
        # Posted, the service says it was removed meanwhile and the page keeps what was typed.
        raise Http404
    preview: SafeString | None = None
    if request.method == "POST":
        form = OwnLessonForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                try:
                    lesson_text_check(data["markdown"], organisation=request.organisation)
                except ValidationError as error:
                    add_validation_errors(form, error)
                else:
                    preview = _render(
                        request,
                        Lesson(
                            slug="preview",
                            title=data["title"],
                            minutes=data["minutes"],
                            number=1,
                            markdown=normalised(data["markdown"]),
                        ),
                    )
            else:
                saved = attempt(
                    form,
                    lambda: own_lesson_save(
                        own=own,
                        user=request.user,
                        lesson_slug=lesson or None,
                        lesson=form.lesson(),
                        expected_version=data["version"],
                    ),
                )
                if saved is not None:
                    return _editor(request, own)
    elif entry is not None:
        form = OwnLessonForm(
            initial={
                "version": own.version,
                "title": entry["title"],
                "minutes": entry["minutes"],
                "markdown": entry["markdown"],
            }
        )
    else:
        form = OwnLessonForm(initial={"version": own.version, "minutes": 5})
    return render(
        request,
        "learning/own_lesson.html",
        {
            "organisation": request.organisation,
            "own": own,
            "entry": entry,
            "number": (
                own.draft["lessons"].index(entry) + 1
                if entry is not None
                else len(own.draft["lessons"]) + 1
            ),
            "form": form,
            "preview": preview,
        },
    )


def _bare_button(request: OrgRequest, own: OwnModule, write: Any) -> HttpResponse:
    """A button with only the page version: a refusal becomes a message on the editor."""
    try:
        write(posted_version(request))
    except RuleError as refusal:
        messages.error(request, refusal.message)
    return _editor(request, own)


@require_POST
@org_view(EDIT_CONTENT)
def own_lesson_move_view(request: OrgRequest, module: str, lesson: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    return _bare_button(
        request,
        own,
        lambda version: own_lesson_move(
            own=own,
            user=request.user,
            lesson_slug=lesson,
            up=request.POST.get("direction") == "up",
            expected_version=version,
        ),
    )


@require_POST
@org_view(EDIT_CONTENT)
def own_lesson_remove_view(request: OrgRequest, module: str, lesson: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    return _bare_button(
        request,
        own,
        lambda version: own_lesson_remove(
            own=own, user=request.user, lesson_slug=lesson, expected_version=version
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(EDIT_CONTENT)
def own_question(request: OrgRequest, module: str, question: str = "") -> HttpResponse:
    """A new question (no ``question``) or one of the draft's pool."""
    own = access_own_module(organisation=request.organisation, slug=module)
    entry = next((q for q in own.draft["questions"] if q["id"] == question), None)
    if question and entry is None and request.method != "POST":
        # Posted, the service says it was removed meanwhile and the page keeps what was typed.
        raise Http404
    if request.method == "POST":
        form = OwnQuestionForm(request.POST)
        if form.is_valid():
            saved = attempt(
                form,
                lambda: own_question_save(
                    own=own,
                    user=request.user,
                    question_id=question or None,
                    question=form.question(),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if saved is not None:
                return _editor(request, own)
    elif entry is not None:
        form = OwnQuestionForm(initial=OwnQuestionForm.initial_for(entry, own.version))
    else:
        form = OwnQuestionForm(initial={"version": own.version, "kind": "single"})
    return render(
        request,
        "learning/own_question.html",
        {"organisation": request.organisation, "own": own, "entry": entry, "form": form},
    )


@require_POST
@org_view(EDIT_CONTENT)
def own_question_remove_view(request: OrgRequest, module: str, question: str) -> HttpResponse:
    own = access_own_module(organisation=request.organisation, slug=module)
    return _bare_button(
        request,
        own,
        lambda version: own_question_remove(
            own=own, user=request.user, question_id=question, expected_version=version
        ),
    )


@require_safe
@org_view(EDIT_CONTENT)
def own_module_preview(request: OrgRequest, module: str) -> HttpResponse:
    """The whole draft as learners would read it, then the question pool with the right
    answers and the feedback on each, and what stops it being published."""
    own = access_own_module(organisation=request.organisation, slug=module)
    return render(
        request,
        "learning/own_module_preview.html",
        {
            "organisation": request.organisation,
            "own": own,
            "lessons": [(lesson, _render(request, lesson)) for lesson in draft_lessons(own)],
            "questions": draft_questions(own),
            "problems": publish_problems(own),
        },
    )
