"""Pages of the staff carer network: its page (what it is, joining and leaving, meetings for
members), starting and describing it, the champions' member list, and meetings.

Thin views: the rules are ``networks.services``'s and ``networks.rules``'s; who may read a
meeting is ``networks.selectors.access_meeting``'s.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from networks.calendar import meeting_invitation
from networks.forms import (
    AnnouncementForm,
    ContactForm,
    MeetingEditForm,
    MeetingNewForm,
    NetworkEditForm,
    NetworkShareForm,
    NetworkStartForm,
    QuestionAnswerForm,
    QuestionAskForm,
)
from networks.models import Meeting, Network
from networks.selectors import (
    access_meeting,
    access_network,
    access_question,
    belongs,
    champion_contacts,
    contact_of,
    latest_news,
    may_see_meetings,
    meetings_held,
    meetings_of,
    member_count,
    members_of,
    network_of,
    own_network,
    questions_answered,
    questions_waiting,
    runs,
    waiting_count,
)
from networks.services import (
    RUN,
    VIEW,
    announcement_post,
    contact_set,
    meeting_cancel,
    meeting_create,
    meeting_update,
    network_edit,
    network_join,
    network_leave,
    network_share,
    network_start,
    question_answer,
    question_ask,
    question_remove,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt, posted_version
from shared.logs import unobserved
from shared.once import one_submission
from shared.writes import RuleError


def _home(request: OrgRequest) -> HttpResponse:
    return redirect("networks:home", request.organisation.slug)


@require_safe
@org_view("organisations.use_own_records")
def home(request: OrgRequest) -> HttpResponse:
    """What the network is and how to join; for members and champions, its meetings. Someone
    who has left sees only whether they still belong, and can take themselves off."""
    network = network_of(organisation=request.organisation)
    if not request.user.has_perm(VIEW, request.organisation):
        return render(
            request,
            "networks/home_left.html",
            {
                "organisation": request.organisation,
                "member": network is not None and belongs(network=network, user=request.user),
            },
        )
    champion_here = request.user.has_perm(RUN, request.organisation)
    running = champion_here if network is None else runs(network=network, user=request.user)
    context: dict[str, object] = {
        "organisation": request.organisation,
        "network": network,
        "runs": running,
        "contacts": champion_contacts(organisation=request.organisation),
    }
    if network is not None and network.organisation_id != request.organisation.pk:
        # A shared network: its own champions answer the question box and run it, so they
        # are listed too, after the reader's own organisation's.
        context["host_contacts"] = champion_contacts(organisation=network.organisation)
    if network is not None:
        member = belongs(network=network, user=request.user)
        context["member"] = member
        guest = network.organisation_id != request.organisation.pk
        context["shared_by"] = network.organisation if guest else None
        # A champion here may still start a network of the organisation's own.
        context["may_start_own"] = guest and champion_here
        if member or running:
            context["meetings"] = meetings_of(network=network, now=timezone.now())
            context["news"] = latest_news(network=network)
        if running:
            now = timezone.now()
            context["member_count"] = member_count(network=network)
            context["waiting_count"] = waiting_count(organisation=request.organisation)
            context["held"] = meetings_held(network=network, now=now)
            context["listed"] = contact_of(organisation=request.organisation, user=request.user)
    return render(request, "networks/home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
@one_submission
def start(request: OrgRequest) -> HttpResponse:
    if own_network(organisation=request.organisation) is not None:
        return _home(request)
    form = NetworkStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        network = attempt(
            form,
            lambda: network_start(
                organisation=request.organisation,
                user=request.user,
                name=form.cleaned_data["name"],
                about=form.cleaned_data["about"],
            ),
        )
        if network is not None:
            messages.success(request, _("The network has started. Tell people about it."))
            return _home(request)
    return render(
        request, "networks/start.html", {"organisation": request.organisation, "form": form}
    )


def _run_network(request: OrgRequest) -> Network:
    """The network, for the champions who run it: those of the organisation that started it.
    A champion of an organisation that only uses a shared network is refused."""
    network = access_network(organisation=request.organisation)
    if not runs(network=network, user=request.user):
        raise PermissionDenied
    return network


def _run_meeting(request: OrgRequest, pk: int) -> Meeting:
    found = access_meeting(viewer=request.user, organisation=request.organisation, pk=pk)
    if not runs(network=found.network, user=request.user):
        raise PermissionDenied
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
def edit(request: OrgRequest) -> HttpResponse:
    network = _run_network(request)
    if request.method == "POST":
        form = NetworkEditForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: network_edit(
                    network=network,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    about=form.cleaned_data["about"],
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return _home(request)
    else:
        form = NetworkEditForm(
            initial={"version": network.version, "name": network.name, "about": network.about}
        )
    return render(
        request,
        "networks/edit.html",
        {"organisation": request.organisation, "network": network, "form": form},
    )


@require_POST
@org_view(VIEW)
def join(request: OrgRequest) -> HttpResponse:
    network = access_network(organisation=request.organisation)
    if network_join(network=network, user=request.user):
        messages.success(request, _("You have joined. You will be invited to its meetings."))
    return _home(request)


@require_POST
@org_view("organisations.use_own_records")
def leave(request: OrgRequest) -> HttpResponse:
    """Leave the network; someone who has left the organisation may still take themselves off
    (then back to their organisation's page, which they may still open)."""
    network = access_network(organisation=request.organisation)
    if network_leave(network=network, user=request.user):
        messages.success(
            request,
            _("You have left the network. Nothing now says you belonged to it."),
        )
    if not request.user.has_perm(VIEW, request.organisation):
        return redirect("organisations:home", request.organisation.slug)
    return _home(request)


@require_safe
@org_view(RUN)
def members(request: OrgRequest) -> HttpResponse:
    """Who belongs: for the champions only."""
    network = _run_network(request)
    return render(
        request,
        "networks/members.html",
        {
            "organisation": request.organisation,
            "network": network,
            "members": members_of(network=network),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
@one_submission
def meeting_new(request: OrgRequest) -> HttpResponse:
    network = _run_network(request)
    form = MeetingNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        meeting = attempt(
            form,
            lambda: meeting_create(network=network, user=request.user, details=form.details()),
        )
        if meeting is not None:
            messages.success(request, _("The meeting is arranged and members are invited."))
            return redirect("networks:meeting", request.organisation.slug, meeting.pk)
    return render(
        request,
        "networks/meeting_new.html",
        {"organisation": request.organisation, "network": network, "form": form},
    )


@require_safe
@org_view(VIEW)
def meeting(request: OrgRequest, pk: int) -> HttpResponse:
    found = access_meeting(viewer=request.user, organisation=request.organisation, pk=pk)
    return render(
        request,
        "networks/meeting.html",
        {
            "organisation": request.organisation,
            "meeting": found,
            "runs": runs(network=found.network, user=request.user),
            "past": found.starts_at < timezone.now(),
            "cancelled": found.cancelled_at is not None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
def meeting_edit(request: OrgRequest, pk: int) -> HttpResponse:
    found = _run_meeting(request, pk)
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: meeting_update(
                    meeting=found,
                    user=request.user,
                    details=form.details(notes=form.cleaned_data["notes"]),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return redirect("networks:meeting", request.organisation.slug, found.pk)
    else:
        form = MeetingEditForm(initial=MeetingEditForm.initial_for(found))
    return render(
        request,
        "networks/meeting_edit.html",
        {"organisation": request.organisation, "meeting": found, "form": form},
    )


@require_safe
@org_view(VIEW)
def meeting_calendar(request: OrgRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar file, for members and champions."""
    found = access_meeting(viewer=request.user, organisation=request.organisation, pk=pk)
    response = HttpResponse(meeting_invitation(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{found.pk}.ics"'
    return response


@require_POST
@org_view(RUN)
def meeting_cancel_view(request: OrgRequest, pk: int) -> HttpResponse:
    """Call a meeting off (a bare button with the page version): members are told."""
    found = _run_meeting(request, pk)
    try:
        cancelled = meeting_cancel(
            meeting=found,
            user=request.user,
            expected_version=posted_version(request),
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
    else:
        if cancelled:
            messages.success(request, _("The meeting is called off and members are told."))
    return redirect("networks:meeting", request.organisation.slug, found.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
@one_submission
def announcement_new(request: OrgRequest) -> HttpResponse:
    network = _run_network(request)
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        posted = attempt(
            form,
            lambda: announcement_post(network=network, user=request.user, details=form.details()),
        )
        if posted is not None:
            messages.success(request, _("The news is posted and members are emailed."))
            return _home(request)
    return render(
        request,
        "networks/announcement_new.html",
        {"organisation": request.organisation, "network": network, "form": form},
    )


def _network_for_members(request: OrgRequest) -> Network:
    """The network, for its members and champions; anyone else gets a 404, as for a meeting."""
    network = access_network(organisation=request.organisation)
    if not may_see_meetings(network=network, user=request.user):
        raise Http404
    return network


@require_safe
@org_view(VIEW)
def questions(request: OrgRequest) -> HttpResponse:
    """The question box: answered questions for members; for champions, what waits too."""
    network = _network_for_members(request)
    running = runs(network=network, user=request.user)
    return render(
        request,
        "networks/questions.html",
        {
            "organisation": request.organisation,
            "network": network,
            "runs": running,
            "answered": questions_answered(network=network, page=request.GET.get("page")),
            "waiting": questions_waiting(network=network) if running else [],
        },
    )


# Neither logged nor counted: the time of a question would be a clue to who asked.
@unobserved
@sensitive_post_parameters("text")
@require_http_methods(["GET", "HEAD", "POST"])
@org_view(VIEW)
def question_ask_view(request: OrgRequest) -> HttpResponse:
    """Ask the champions anonymously. The question never reaches an error report or log
    (``sensitive_post_parameters``), and nothing records who sent it."""
    network = _network_for_members(request)
    form = QuestionAskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        attempt(
            form,
            lambda: question_ask(
                network=network, user=request.user, text=form.cleaned_data["text"]
            ),
        )
        if not form.errors:
            # The same words whether or not the question was new: a different message would
            # tell the asker that someone else had already asked it.
            messages.success(
                request,
                _("Your question is in the box. Its answer will be on this page for members."),
            )
            return redirect("networks:questions", request.organisation.slug)
    return render(
        request,
        "networks/question_ask.html",
        {"organisation": request.organisation, "network": network, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
def question_answer_view(request: OrgRequest, pk: UUID) -> HttpResponse:
    found = access_question(viewer=request.user, organisation=request.organisation, pk=pk)
    if request.method == "POST":
        form = QuestionAnswerForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: question_answer(
                    question=found,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    answer=form.cleaned_data["answer"],
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return redirect("networks:questions", request.organisation.slug)
    else:
        form = QuestionAnswerForm(
            initial={"version": found.version, "text": found.text, "answer": found.answer}
        )
    return render(
        request,
        "networks/question_answer.html",
        {"organisation": request.organisation, "question": found, "form": form},
    )


@require_POST
@org_view(RUN)
def question_remove_view(request: OrgRequest, pk: UUID) -> HttpResponse:
    """Take a question out of the box (a bare button with the page version)."""
    found = access_question(viewer=request.user, organisation=request.organisation, pk=pk)
    try:
        removed = question_remove(
            question=found, user=request.user, expected_version=posted_version(request)
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
    else:
        if removed:
            messages.success(request, _("The question is removed."))
    return redirect("networks:questions", request.organisation.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
def contact(request: OrgRequest) -> HttpResponse:
    """A champion's own choice to be listed as someone staff can talk to."""
    current = contact_of(organisation=request.organisation, user=request.user)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: contact_set(
                    organisation=request.organisation,
                    user=request.user,
                    details=form.details(),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return _home(request)
    else:
        form = ContactForm(initial=ContactForm.initial_for(current))
    return render(
        request,
        "networks/contact.html",
        {"organisation": request.organisation, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(RUN)
def share(request: OrgRequest) -> HttpResponse:
    """Open the network to the partnership's other organisations, or close it again."""
    network = _run_network(request)
    partnership = request.organisation.partnership
    if request.method == "POST":
        form = NetworkShareForm(request.POST)
        if form.is_valid():
            attempt(
                form,
                lambda: network_share(
                    network=network,
                    user=request.user,
                    shared=form.cleaned_data["shared"],
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if not form.errors:
                return _home(request)
    else:
        form = NetworkShareForm(
            initial={"version": network.version, "shared": "yes" if network.shared else "no"}
        )
    return render(
        request,
        "networks/share.html",
        {
            "organisation": request.organisation,
            "network": network,
            "partnership": partnership,
            "form": form,
        },
    )
