"""Learning pages: the list of modules, a module, its lessons, its quiz and the result, and
the reflection log on the Core Principles.

Any member in post may learn; someone who has left is refused like every other page that is
not about their own records. Each page shows only the viewer's own progress and attempts,
except HR's completion figures, which are numbers about everyone and name nobody.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learning.catalogue import module_at
from learning.content import Module, render_lesson
from learning.figures import completion_figures
from learning.forms import QuizForm, ReflectionForm
from learning.links import resolve_link
from learning.reflection import reflection_save, reflection_step_to_plan
from learning.selectors import (
    access_attempt,
    access_module,
    access_principle,
    attempt_review,
    badge_of_attempt,
    has_passed,
    is_line_manager,
    latest_result,
    learning_home,
    lesson_as_shown,
    open_attempt,
    progress_for,
    questions_of,
    reflection_log,
    reflection_of,
    step_in_plan,
)
from learning.services import attempt_start, attempt_submit, lesson_mark_done
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.writes import RuleError

PERMISSION = "organisations.use_organisation"
FIGURES = "learning.view_figures"
EDIT_CONTENT = "learning.edit_content"


@require_safe
@org_view(PERMISSION)
def home(request: OrgRequest) -> HttpResponse:
    """The modules, with how far the viewer has come in each: those recommended for the
    viewer's roles first, then the others, which they may take just the same."""
    return render(
        request,
        "learning/home.html",
        {
            "organisation": request.organisation,
            "home": learning_home(viewer=request.user, organisation=request.organisation),
            "can_see_figures": request.user.has_perm(FIGURES, request.organisation),
            "can_edit_content": request.user.has_perm(EDIT_CONTENT, request.organisation),
        },
    )


@require_safe
@org_view(FIGURES)
def figures(request: OrgRequest) -> HttpResponse:
    """How many people passed each module, for HR: numbers with small ones hidden, never who."""
    return render(
        request,
        "learning/figures.html",
        {
            "organisation": request.organisation,
            "figures": completion_figures(organisation=request.organisation),
        },
    )


def _done(request: OrgRequest, module: Module) -> set[str]:
    progress = progress_for(viewer=request.user, organisation=request.organisation, module=module)
    return set(progress.lessons_done) if progress else set()


@require_safe
@org_view(PERMISSION)
def module_detail(request: OrgRequest, module: str) -> HttpResponse:
    found = access_module(organisation=request.organisation, slug=module)
    progress = progress_for(viewer=request.user, organisation=request.organisation, module=found)
    done = set(progress.lessons_done) if progress else set()
    return render(
        request,
        "learning/module.html",
        {
            "organisation": request.organisation,
            "module": found,
            "lessons": [(lesson, lesson.slug in done) for lesson in found.lessons],
            # Where "Start" or "Continue" leads: the first lesson not done yet, else the quiz.
            "next_lesson": next((ls for ls in found.lessons if ls.slug not in done), None),
            "started": bool(done),
            "passed": has_passed(progress, found),
            "result": latest_result(
                viewer=request.user, organisation=request.organisation, module=found
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(PERMISSION)
def lesson(request: OrgRequest, module: str, lesson: str) -> HttpResponse:
    """A lesson; its button marks it as done and goes on to the next lesson, or the quiz."""
    found = access_module(organisation=request.organisation, slug=module)
    current = found.lesson(lesson)
    if current is None:
        raise Http404
    following = found.next_lesson(current)
    if request.method == "POST":
        lesson_mark_done(
            organisation=request.organisation,
            user=request.user,
            module=found,
            lesson_slug=current.slug,
        )
        if following is not None:
            return redirect(
                "learning:lesson", request.organisation.slug, found.slug, following.slug
            )
        return redirect("learning:quiz", request.organisation.slug, found.slug)
    slug = request.organisation.slug

    def links(href: str) -> str:
        return resolve_link(href, org_slug=slug)

    # The organisation's own text when it has replaced the standard one.
    shown = lesson_as_shown(organisation=request.organisation, module=found, lesson=current)
    try:
        body = render_lesson(shown, resolve_link=links, broken_links_as_text=found.own)
    except KeyError:
        # Its text links to a page a later release removed: learners read the standard text
        # until HR puts it right (the content page says which lesson). An organisation's own
        # module has no standard text: its broken links show as text (above), and its editor
        # lists them.
        body = render_lesson(current, resolve_link=links)
    return render(
        request,
        "learning/lesson.html",
        {
            "organisation": request.organisation,
            "module": found,
            "lesson": current,
            "following": following,
            "done": current.slug in _done(request, found),
            "body": body,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(PERMISSION)
def quiz(request: OrgRequest, module: str) -> HttpResponse:
    """The open attempt's questions, or the start button; the answers are posted here."""
    found = access_module(organisation=request.organisation, slug=module)
    context = {"organisation": request.organisation, "module": found}
    if request.method == "POST":
        pk = request.POST.get("attempt", "")
        if not pk.isdigit() or len(pk) > 18:  # no attempt started: show the start button
            return redirect("learning:quiz", request.organisation.slug, found.slug)
        chosen = access_attempt(
            viewer=request.user, organisation=request.organisation, module=found, pk=int(pk)
        )
        form = QuizForm(request.POST, questions=questions_of(chosen, found))
        if chosen.submitted:
            # Posted again (the back button, a second click): the result stands as it was.
            return redirect("learning:result", request.organisation.slug, found.slug)
        if form.is_valid():
            done = attempt(
                form,
                lambda: attempt_submit(
                    attempt=chosen, module=found, answers=form.answers(), by=request.user
                ),
            )
            if done is not None:
                return redirect("learning:result", request.organisation.slug, found.slug)
        return render(request, "learning/quiz.html", {**context, "form": form})
    current = open_attempt(viewer=request.user, organisation=request.organisation, module=found)
    start: QuizForm | None = (
        QuizForm(initial={"attempt": current.pk}, questions=questions_of(current, found))
        if current is not None
        else None
    )
    return render(request, "learning/quiz.html", {**context, "form": start})


@require_POST
@org_view(PERMISSION)
def quiz_start(request: OrgRequest, module: str) -> HttpResponse:
    """Start the quiz, or a retry with questions drawn afresh; an open attempt carries on."""
    found = access_module(organisation=request.organisation, slug=module)
    attempt_start(organisation=request.organisation, user=request.user, module=found)
    return redirect("learning:quiz", request.organisation.slug, found.slug)


@require_safe
@org_view(PERMISSION)
def result(request: OrgRequest, module: str) -> HttpResponse:
    """The viewer's latest result, with feedback on every option."""
    found = access_module(organisation=request.organisation, slug=module)
    latest = latest_result(viewer=request.user, organisation=request.organisation, module=found)
    return render(
        request,
        "learning/result.html",
        {
            "organisation": request.organisation,
            "module": found,
            "result": latest,
            # Against the version the attempt asked: an own module keeps every version.
            "review": (
                attempt_review(latest, module_at(found, version=latest.module_version))
                if latest is not None
                else []
            ),
            "badge": badge_of_attempt(latest) if latest is not None and latest.passed else None,
        },
    )


@require_safe
@org_view(PERMISSION)
def reflection(request: OrgRequest) -> HttpResponse:
    """The viewer's own reflection log: each principle, and whether they have written on it."""
    return render(
        request,
        "learning/reflection.html",
        {
            "organisation": request.organisation,
            "statuses": reflection_log(viewer=request.user, organisation=request.organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(PERMISSION)
def reflection_edit(request: OrgRequest, principle: str) -> HttpResponse:
    """One principle: what it means, prompts at the viewer's level, and their own entry.
    Saving here saves this principle only."""
    found = access_principle(slug=principle)
    entry = reflection_of(viewer=request.user, organisation=request.organisation, principle=found)
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = attempt(
                form,
                lambda: reflection_save(
                    organisation=request.organisation,
                    user=request.user,
                    principle=found,
                    notes=data["notes"],
                    first_step=data["first_step"],
                    expected_version=data["version"] or 0,
                ),
            )
            if not form.errors:
                if saved is not None and saved.version != data["version"]:
                    messages.success(request, _("Your reflection is saved."))
                return redirect("learning:reflection_edit", request.organisation.slug, found.slug)
    else:
        form = ReflectionForm(
            initial={
                "notes": entry.notes if entry else "",
                "first_step": entry.first_step if entry else "",
                "version": entry.version if entry else 0,
            }
        )
    manages = is_line_manager(viewer=request.user, organisation=request.organisation)
    return render(
        request,
        "learning/reflection_edit.html",
        {
            "organisation": request.organisation,
            "principle": found,
            "entry": entry,
            "form": form,
            "line_manager": manages,
            "prompts": found.prompts_for(line_manager=manages),
            "in_plan": step_in_plan(
                viewer=request.user,
                organisation=request.organisation,
                principle=found,
                entry=entry,
            ),
        },
    )


@require_POST
@org_view(PERMISSION)
def reflection_to_plan(request: OrgRequest, principle: str) -> HttpResponse:
    """Add the saved first step to the viewer's personal plan; pressed twice, it adds one row."""
    found = access_principle(slug=principle)
    try:
        done = reflection_step_to_plan(
            organisation=request.organisation, user=request.user, principle=found
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
    else:
        if not done.added:
            text = _("This step is already in your plan “%(title)s”.")
        elif done.plan_created:
            text = _("We made you a personal plan, “%(title)s”, and added this step to it.")
        else:
            text = _("This step is added to your plan “%(title)s”.")
        messages.success(request, text % {"title": done.step.plan_title})
    return redirect("learning:reflection_edit", request.organisation.slug, found.slug)
