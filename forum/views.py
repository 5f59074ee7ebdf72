"""Pages of a partnership's forum, all under ``/p/<slug>/forum/``.

Thin views: who may read is ``forum.selectors.access_forum``'s (a 404 for anyone who may not
read this partnership's forum, a 403 for a reader without the power a page needs); the rules
of each write are ``forum.services``'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from forum.calendar import event_calendar
from forum.forms import (
    CaseStudyEditForm,
    CaseStudyNewForm,
    EventEditForm,
    EventNewForm,
    ReplyForm,
    ThreadForm,
)
from forum.rules import PUBLISH, RUN_EVENTS, TALK
from forum.selectors import (
    access_case_study,
    access_event,
    access_forum,
    access_reply,
    access_thread,
    case_studies_page,
    events,
    forum_summary,
    replies_of,
    threads_page,
)
from forum.services import (
    case_study_publish,
    case_study_update,
    case_study_withdraw,
    event_add,
    event_update,
    may_change_case_study,
    may_close,
    may_remove,
    publishes_for,
    reply_add,
    reply_remove,
    thread_close,
    thread_start,
)
from organisations.types import AuthenticatedRequest
from shared.forms import attempt, posted_version
from shared.once import one_submission
from shared.writes import RuleError


def _context(partnership: object, **more: object) -> dict[str, object]:
    return {"partnership": partnership, **more}


@require_safe
@login_required
def home(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The forum's front page: the latest case studies, threads and upcoming events."""
    partnership = access_forum(viewer=request.user, slug=slug)
    return render(
        request,
        "forum/home.html",
        _context(
            partnership,
            **forum_summary(partnership=partnership, now=timezone.now()),
            may_publish=request.user.has_perm(PUBLISH, partnership),
            may_talk=request.user.has_perm(TALK, partnership),
            runs_events=request.user.has_perm(RUN_EVENTS, partnership),
        ),
    )


# --- Case studies --------------------------------------------------------------------------


@require_safe
@login_required
def case_studies(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    return render(
        request,
        "forum/case_studies.html",
        _context(
            partnership,
            page=case_studies_page(partnership=partnership, number=request.GET.get("page")),
            may_publish=request.user.has_perm(PUBLISH, partnership),
        ),
    )


@require_safe
@login_required
def case_study(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_case_study(partnership=partnership, pk=pk)
    return render(
        request,
        "forum/case_study.html",
        _context(
            partnership,
            case_study=found,
            may_change=may_change_case_study(user=request.user, case_study=found),
            # Only the publishing organisation's HR see whose an anonymised one is.
            ours=publishes_for(user=request.user, case_study=found),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def case_study_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug, permission=PUBLISH)
    form = CaseStudyNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        published = attempt(
            form,
            lambda: case_study_publish(
                partnership=partnership, by=request.user, details=form.details()
            ),
        )
        if published is not None:
            messages.success(request, _("Your case study is published to the partnership."))
            return redirect("forum:case_study", slug, published.pk)
    return render(
        request, "forum/case_study_form.html", _context(partnership, form=form, case_study=None)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_study_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_case_study(partnership=partnership, pk=pk)
    if not may_change_case_study(user=request.user, case_study=found):
        raise PermissionDenied
    if request.method == "POST":
        form = CaseStudyEditForm(request.POST)
        if form.is_valid():
            changed = attempt(
                form,
                lambda: case_study_update(
                    case_study=found,
                    by=request.user,
                    details=form.details(),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                if changed:
                    messages.success(request, _("Case study saved."))
                return redirect("forum:case_study", slug, found.pk)
    else:
        form = CaseStudyEditForm(initial=CaseStudyEditForm.initial_for(found))
    return render(
        request, "forum/case_study_form.html", _context(partnership, form=form, case_study=found)
    )


@require_POST
@login_required
def case_study_withdraw_view(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw a case study (a bare button with the page version)."""
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_case_study(partnership=partnership, pk=pk)
    try:
        withdrawn = case_study_withdraw(
            case_study=found, by=request.user, expected_version=posted_version(request)
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
        return redirect("forum:case_study", slug, found.pk)
    if withdrawn:
        messages.success(request, _("The case study is withdrawn: nobody sees it now."))
    return redirect("forum:case_studies", slug)


# --- Threads -------------------------------------------------------------------------------


@require_safe
@login_required
def thread_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    return render(
        request,
        "forum/threads.html",
        _context(
            partnership,
            page=threads_page(partnership=partnership, number=request.GET.get("page")),
            may_talk=request.user.has_perm(TALK, partnership),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def thread_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug, permission=TALK)
    form = ThreadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        started = attempt(
            form,
            lambda: thread_start(
                partnership=partnership,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
        )
        if started is not None:
            return redirect("forum:thread", slug, started.pk)
    return render(request, "forum/thread_new.html", _context(partnership, form=form))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def thread(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """A thread with its replies; posting the form below adds a reply."""
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_thread(partnership=partnership, pk=pk)
    may_talk = request.user.has_perm(TALK, partnership)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_talk:
            raise PermissionDenied
        if form.is_valid():
            added = attempt(
                form,
                lambda: reply_add(thread=found, by=request.user, body=form.cleaned_data["body"]),
            )
            if added is not None:
                return redirect(f"{request.path}#reply-{added.pk}")
    replies = replies_of(thread=found)
    return render(
        request,
        "forum/thread.html",
        _context(
            partnership,
            thread=found,
            replies=[
                (reply, may_remove(user=request.user, reply=reply, partnership=partnership))
                for reply in replies
            ],
            # Closed while they were writing: the form stays, with the reason and their words.
            form=form if may_talk and (found.closed_at is None or form.errors) else None,
            may_close=found.closed_at is None and may_close(user=request.user, thread=found),
        ),
    )


@require_POST
@login_required
def thread_close_view(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_thread(partnership=partnership, pk=pk)
    if thread_close(thread=found, by=request.user):
        messages.success(request, _("The thread is closed: it takes no more replies."))
    return redirect("forum:thread", slug, found.pk)


@require_POST
@login_required
def reply_remove_view(
    request: AuthenticatedRequest, slug: str, pk: int, reply_pk: int
) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_thread(partnership=partnership, pk=pk)
    reply = access_reply(thread=found, pk=reply_pk)
    if reply_remove(reply=reply, by=request.user):
        messages.success(request, _("The reply is removed."))
    return redirect("forum:thread", slug, found.pk)


# --- Events --------------------------------------------------------------------------------


@require_safe
@login_required
def event_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    upcoming, past = events(partnership=partnership, now=timezone.now())
    return render(
        request,
        "forum/events.html",
        _context(
            partnership,
            upcoming=upcoming,
            past=past,
            runs_events=request.user.has_perm(RUN_EVENTS, partnership),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def event_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug, permission=RUN_EVENTS)
    form = EventNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        added = attempt(
            form,
            lambda: event_add(partnership=partnership, by=request.user, details=form.details()),
            field="day",
        )
        if added is not None:
            messages.success(request, _("The event is added."))
            return redirect("forum:event", slug, added.pk)
    return render(request, "forum/event_form.html", _context(partnership, form=form, event=None))


@require_safe
@login_required
def event(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_event(partnership=partnership, pk=pk)
    return render(
        request,
        "forum/event.html",
        _context(
            partnership,
            event=found,
            past=found.starts_at < timezone.now(),
            runs_events=request.user.has_perm(RUN_EVENTS, partnership),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def event_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    partnership = access_forum(viewer=request.user, slug=slug, permission=RUN_EVENTS)
    found = access_event(partnership=partnership, pk=pk)
    if request.method == "POST":
        form = EventEditForm(request.POST)
        if form.is_valid():
            changed = attempt(
                form,
                lambda: event_update(
                    event=found,
                    by=request.user,
                    details=form.details(),
                    expected_version=form.cleaned_data["version"],
                ),
                field="day",
            )
            if not form.errors:
                if changed:
                    messages.success(request, _("The event is saved."))
                return redirect("forum:event", slug, found.pk)
    else:
        form = EventEditForm(initial=EventEditForm.initial_for(found))
    return render(request, "forum/event_form.html", _context(partnership, form=form, event=found))


@require_safe
@login_required
def event_calendar_view(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The event as a calendar file."""
    partnership = access_forum(viewer=request.user, slug=slug)
    found = access_event(partnership=partnership, pk=pk)
    response = HttpResponse(event_calendar(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{found.pk}.ics"'
    return response
