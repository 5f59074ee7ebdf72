"""HR's pages for the organisation's own lesson text: the list of every module's lessons, and
one lesson's edit page with a preview, publishing and going back to the standard text.

Only HR admins and organisation admins in post open them (``learning.edit_content``). The
rules are ``learning.authoring``'s; these views only turn a request into a call.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learning.authoring import (
    EDIT_CONTENT,
    lesson_text_check,
    lesson_text_reset,
    lesson_text_save,
    with_text,
)
from learning.content import Lesson, Module, render_lesson
from learning.forms import LessonTextForm
from learning.links import resolve_link
from learning.selectors import access_shipped_module, content_overview, lesson_text_of
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import add_validation_errors, attempt, posted_version
from shared.writes import RuleError


def _lesson(module: str, lesson: str) -> tuple[Module, Lesson]:
    found = access_shipped_module(slug=module)
    current = found.lesson(lesson)
    if current is None:
        raise Http404
    return found, current


def _render(request: OrgRequest, lesson: Lesson) -> SafeString:
    slug = request.organisation.slug
    return render_lesson(lesson, resolve_link=lambda href: resolve_link(href, org_slug=slug))


@require_safe
@org_view(EDIT_CONTENT)
def content(request: OrgRequest) -> HttpResponse:
    """Every module's lessons, with which use the organisation's own text."""
    overview = content_overview(organisation=request.organisation)
    return render(
        request,
        "learning/content.html",
        {
            "organisation": request.organisation,
            "overview": overview,
            "any_stale": any(item.stale for entry in overview for item in entry.lessons),
            "any_broken": any(item.broken for entry in overview for item in entry.lessons),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(EDIT_CONTENT)
def content_edit(request: OrgRequest, module: str, lesson: str) -> HttpResponse:
    """One lesson's text. "Preview" shows the lesson below the form as learners would see it
    and saves nothing; "Publish" saves it for every learner here."""
    found, standard = _lesson(module, lesson)
    own = lesson_text_of(organisation=request.organisation, module=found, lesson=standard)
    preview: SafeString | None = None
    if request.method == "POST":
        form = LessonTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "publish" in request.POST:
                saved = attempt(
                    form,
                    lambda: lesson_text_save(
                        organisation=request.organisation,
                        user=request.user,
                        module=found,
                        lesson=standard,
                        markdown=data["markdown"],
                        expected_version=data["version"],
                    ),
                )
                if not form.errors:
                    if saved is not None and saved.version != data["version"]:
                        messages.success(
                            request,
                            _("Learners now read your text of “%(title)s”.")
                            % {"title": standard.title},
                        )
                    return redirect("learning:content", request.organisation.slug)
            else:
                try:
                    lesson_text_check(data["markdown"], organisation=request.organisation)
                except ValidationError as error:
                    add_validation_errors(form, error)
                else:
                    preview = _render(request, with_text(standard, data["markdown"]))
    else:
        form = LessonTextForm(
            initial={
                "markdown": own.markdown if own is not None else standard.markdown.strip(),
                "version": own.version if own is not None else 0,
            }
        )
    return render(
        request,
        "learning/content_edit.html",
        {
            "organisation": request.organisation,
            "module": found,
            "lesson": standard,
            "own": own,
            "stale": own is not None and own.module_version < found.version,
            "form": form,
            "preview": preview,
            "standard_body": _render(request, standard),
        },
    )


@require_POST
@org_view(EDIT_CONTENT)
def content_reset(request: OrgRequest, module: str, lesson: str) -> HttpResponse:
    """Go back to the standard text; the organisation's own is deleted."""
    found, standard = _lesson(module, lesson)
    try:
        removed = lesson_text_reset(
            organisation=request.organisation,
            user=request.user,
            module=found,
            lesson=standard,
            expected_version=posted_version(request),
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
        return redirect(
            "learning:content_edit", request.organisation.slug, found.slug, standard.slug
        )
    if removed:
        messages.success(
            request,
            _("Learners read the standard text of “%(title)s” again.") % {"title": standard.title},
        )
    return redirect("learning:content", request.organisation.slug)
