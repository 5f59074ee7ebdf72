"""Every write to a partnership's forum.

Each service checks the writer's power itself (pages, the demo and tests call the same
functions), reading roles as they are now (``forum.rules``). A refusal is a ``RuleError``
naming the field it belongs beside, so a page keeps what was typed. Publishing, changing and
withdrawing a case study are written to the audit log; reading is not. Threads and replies
are the conversation itself, so they are not audited again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from forum.models import (
    CASE_STUDY_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    PLACE_MAX,
    POST_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    CaseStudy,
    Event,
    Reply,
    Thread,
)
from forum.rules import (
    PUBLISH,
    PUBLISHER_ROLES,
    RUN_EVENTS,
    TALK,
    TALKER_ROLES,
    member_organisations,
)
from organisations.models import Organisation, Partnership, Role
from organisations.rules import is_partnership_lead
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock


def _check(user: User, partnership: Partnership, permission: str) -> None:
    if not user.has_perm(permission, partnership):
        raise PermissionDenied


def _writing_for(
    user: User, partnership: Partnership, roles: frozenset[Role]
) -> Organisation | None:
    """The member organisation a post is written for: the first by name where the writer
    holds one of ``roles``; none for a partnership lead writing as the partnership."""
    found = member_organisations(user=user, partnership=partnership, roles=roles)
    return found[0] if found else None


def _required(value: str, most: int, *, field: str, missing: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise RuleError(f"{field}_missing", missing, field=field)
    if len(text) > most:
        raise RuleError(
            f"{field}_too_long",
            _("%(what)s must be %(max)s characters or fewer") % {"what": what, "max": most},
            field=field,
        )
    return text


def link_problem(link: str) -> str:
    """Why ``link`` may not be shown as a link, or "" when it may: only http and https
    addresses with a host, so no ``javascript:`` or ``data:`` address reaches a page."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return _("Enter a web address starting with https:// or http://")
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return _("Enter a web address starting with https:// or http://")
    if any(character.isspace() for character in link):
        return _("A web address cannot contain spaces")
    return ""


# --- Case studies --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseStudyDetails:
    title: str
    summary: str
    body: str
    anonymous: bool
    #: The writer ticked "I agree to share this with the partnership's member organisations".
    consent: bool


class CaseStudyConflict(EditConflict):
    def __init__(self, case_study: CaseStudy) -> None:
        super().__init__(
            _(
                "Someone changed this case study at %(when)s, after you opened this page. "
                "Nothing has been saved. What you typed is still here: save again to use it."
            )
            % {"when": long_datetime(case_study.updated_at)},
            current_version=case_study.version,
        )


def _case_study_fields(details: CaseStudyDetails) -> dict[str, object]:
    if not details.consent:
        raise RuleError(
            "no_consent",
            _("Tick to agree to share this with the partnership's member organisations"),
            field="consent",
        )
    return {
        "title": _required(
            details.title, TITLE_MAX, field="title", missing=_("Enter a title"), what=_("The title")
        ),
        "summary": _required(
            details.summary,
            SUMMARY_MAX,
            field="summary",
            missing=_("Enter a short summary"),
            what=_("The summary"),
        ),
        "body": _required(
            details.body,
            CASE_STUDY_MAX,
            field="body",
            missing=_("Enter the case study"),
            what=_("The case study"),
        ),
        "anonymous": details.anonymous,
    }


def may_change_case_study(*, user: User, case_study: CaseStudy) -> bool:
    """HR admins and organisation admins in post at the organisation that published it, and
    the partnership's leads; a lead's own case study, its leads only."""
    partnership = case_study.partnership
    if is_partnership_lead(user, partnership):
        return True
    organisation = case_study.organisation
    if organisation is None:
        return False
    return organisation in member_organisations(
        user=user, partnership=partnership, roles=PUBLISHER_ROLES
    )


def _audit_case_study(
    case_study: CaseStudy, *, by: User, action: Action, summary: str, channel: Channel
) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=case_study,
        # In the publishing organisation's log; a lead's is in no organisation's.
        organisation_id=case_study.organisation_id,
        summary=f"{summary}: {case_study.title}",
    )


@transaction.atomic
def case_study_publish(
    *,
    partnership: Partnership,
    by: User,
    details: CaseStudyDetails,
    channel: Channel = Channel.WEB,
) -> CaseStudy:
    """Share good practice with the partnership's member organisations, with the writer's
    agreement recorded."""
    _check(by, partnership, PUBLISH)
    fields = _case_study_fields(details)
    case_study = CaseStudy.objects.create(
        partnership=partnership,
        organisation=_writing_for(by, partnership, PUBLISHER_ROLES),
        consent_at=timezone.now(),
        author=by,
        updated_by=by,
        **fields,
    )
    _audit_case_study(
        case_study,
        by=by,
        action=Action.CREATE,
        summary="Published a case study to the forum",
        channel=channel,
    )
    return case_study


@transaction.atomic
def case_study_update(
    *,
    case_study: CaseStudy,
    by: User,
    details: CaseStudyDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Change a case study; returns whether anything changed. Saved unchanged, nothing is
    written."""
    if not may_change_case_study(user=by, case_study=case_study):
        raise PermissionDenied
    locked = lock(CaseStudy, case_study.pk)
    check_version(locked.version, expected_version, lambda: CaseStudyConflict(locked))
    if locked.withdrawn_at is not None:
        raise RuleError("withdrawn", _("This case study has been withdrawn."))
    fields = _case_study_fields(details)
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return False
    revealed = locked.anonymous and not fields["anonymous"]
    if revealed and by.pk != locked.author_id:
        # Only the person who wrote it may put their organisation's name (and theirs) on it:
        # not a lead, and not a colleague who happens to be HR there too.
        raise RuleError(
            "only_the_author_reveals",
            _(
                "Only the person who wrote this case study can stop it being anonymous. You "
                "can change everything else."
            ),
            field="anonymous",
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    if revealed:
        # Sharing it under their name is a new agreement, given now.
        locked.consent_at = timezone.now()
    locked.version += 1
    locked.updated_by = by
    locked.save()
    _audit_case_study(
        locked,
        by=by,
        action=Action.UPDATE,
        summary=(
            "Changed a forum case study and stopped it being anonymous"
            if revealed
            else "Changed a forum case study"
        ),
        channel=channel,
    )
    case_study.refresh_from_db()
    return True


@transaction.atomic
def case_study_withdraw(
    *,
    case_study: CaseStudy,
    by: User,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Take a case study back: no reader sees it again. Already withdrawn, nothing happens."""
    if not may_change_case_study(user=by, case_study=case_study):
        raise PermissionDenied
    locked = lock(CaseStudy, case_study.pk)
    check_version(locked.version, expected_version, lambda: CaseStudyConflict(locked))
    if locked.withdrawn_at is not None:
        return False
    locked.withdrawn_at = timezone.now()
    locked.version += 1
    locked.updated_by = by
    locked.save()
    _audit_case_study(
        locked, by=by, action=Action.DELETE, summary="Withdrew a forum case study", channel=channel
    )
    return True


# --- Threads and replies ---------------------------------------------------------------------


@transaction.atomic
def thread_start(*, partnership: Partnership, by: User, title: str, body: str) -> Thread:
    _check(by, partnership, TALK)
    return Thread.objects.create(
        partnership=partnership,
        organisation=_writing_for(by, partnership, TALKER_ROLES),
        title=_required(
            title, TITLE_MAX, field="title", missing=_("Enter a title"), what=_("The title")
        ),
        body=_required(
            body,
            POST_MAX,
            field="body",
            missing=_("Enter what you want to say"),
            what=_("The message"),
        ),
        started_by=by,
    )


@transaction.atomic
def reply_add(*, thread: Thread, by: User, body: str) -> Reply:
    """A reply to an open thread."""
    _check(by, thread.partnership, TALK)
    locked = lock(Thread, thread.pk)  # a close at the same moment wins or waits
    if locked.closed_at is not None:
        raise RuleError("thread_closed", _("This thread is closed, so it takes no more replies."))
    return Reply.objects.create(
        thread=locked,
        organisation=_writing_for(by, thread.partnership, TALKER_ROLES),
        body=_required(
            body, POST_MAX, field="body", missing=_("Enter your reply"), what=_("Your reply")
        ),
        written_by=by,
    )


def may_close(*, user: User, thread: Thread) -> bool:
    """The thread's starter while they may still talk here, or a partnership lead."""
    if is_partnership_lead(user, thread.partnership):
        return True
    return thread.started_by_id == user.pk and user.has_perm(TALK, thread.partnership)


@transaction.atomic
def thread_close(*, thread: Thread, by: User) -> bool:
    """No more replies. Already closed, nothing happens."""
    if not may_close(user=by, thread=thread):
        raise PermissionDenied
    locked = lock(Thread, thread.pk)
    if locked.closed_at is not None:
        return False
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["closed_at", "closed_by"])
    return True


def may_remove(*, user: User, reply: Reply, partnership: Partnership) -> bool:
    """The reply's writer while they may still talk here, or a partnership lead."""
    if is_partnership_lead(user, partnership):
        return True
    return reply.written_by_id == user.pk and user.has_perm(TALK, partnership)


@transaction.atomic
def reply_remove(*, reply: Reply, by: User) -> bool:
    """Take a reply's words away; the thread shows "removed" in its place. Already removed,
    nothing happens."""
    if not may_remove(user=by, reply=reply, partnership=reply.thread.partnership):
        raise PermissionDenied
    locked = lock(Reply, reply.pk)
    if locked.removed_at is not None:
        return False
    locked.body = ""
    locked.removed_at = timezone.now()
    locked.removed_by = by
    locked.save(update_fields=["body", "removed_at", "removed_by"])
    return True


# --- Events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    title: str
    starts_at: datetime
    place: str
    link: str
    description: str


class EventConflict(EditConflict):
    def __init__(self, event: Event) -> None:
        super().__init__(
            _(
                "Someone changed this event at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: save again to use it."
            )
            % {"when": long_datetime(event.updated_at)},
            current_version=event.version,
        )


def _event_fields(details: EventDetails, *, now: datetime, check_start: bool) -> dict[str, object]:
    # To the minute, as pages show and take it, so an unchanged form matches.
    starts_at = details.starts_at.replace(second=0, microsecond=0)
    if check_start and starts_at < now.replace(second=0, microsecond=0):
        raise RuleError(
            "event_in_the_past", _("The event must start in the future"), field="starts_at"
        )
    place = details.place.strip()
    if len(place) > PLACE_MAX:
        raise RuleError(
            "place_too_long",
            _("Where must be %(max)s characters or fewer") % {"max": PLACE_MAX},
            field="place",
        )
    link = details.link.strip()
    if link:
        if len(link) > LINK_MAX:
            raise RuleError(
                "link_too_long",
                _("The link must be %(max)s characters or fewer") % {"max": LINK_MAX},
                field="link",
            )
        problem = link_problem(link)
        if problem:
            raise RuleError("unsafe_link", problem, field="link")
    if not place and not link:
        raise RuleError(
            "nowhere", _("Say where the event is, or give the link to join it"), field="place"
        )
    return {
        "title": _required(
            details.title, TITLE_MAX, field="title", missing=_("Enter a title"), what=_("The title")
        ),
        "starts_at": starts_at,
        "place": place,
        "link": link,
        "description": _required(
            details.description,
            DESCRIPTION_MAX,
            field="description",
            missing=_("Enter what the event is about"),
            what=_("The description"),
        ),
    }


def _audit_event(event: Event, *, by: User, action: Action, summary: str, channel: Channel) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=event,
        organisation_id=None,  # the partnership's, in no one organisation's log
        summary=f"{summary}: {event.title}",
    )


@transaction.atomic
def event_add(
    *, partnership: Partnership, by: User, details: EventDetails, channel: Channel = Channel.WEB
) -> Event:
    """A partnership event for the member organisations (a lead)."""
    _check(by, partnership, RUN_EVENTS)
    fields = _event_fields(details, now=timezone.now(), check_start=True)
    event = Event.objects.create(partnership=partnership, created_by=by, **fields)
    _audit_event(
        event, by=by, action=Action.CREATE, summary="Added a partnership event", channel=channel
    )
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    by: User,
    details: EventDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Change an event; a start already past may stay as it was, but not move into the
    past. Unchanged, nothing is written."""
    _check(by, event.partnership, RUN_EVENTS)
    locked = lock(Event, event.pk)
    check_version(locked.version, expected_version, lambda: EventConflict(locked))
    moved = details.starts_at.replace(second=0, microsecond=0) != locked.starts_at
    fields = _event_fields(details, now=timezone.now(), check_start=moved)
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    _audit_event(
        locked, by=by, action=Action.UPDATE, summary="Changed a partnership event", channel=channel
    )
    event.refresh_from_db()
    return True


def publishes_for(*, user: User, case_study: CaseStudy) -> bool:
    """Whether ``user`` is HR in post at the organisation that published ``case_study``: the
    only readers shown whose an anonymised one is."""
    organisation = case_study.organisation
    return organisation is not None and organisation in member_organisations(
        user=user, partnership=case_study.partnership, roles=PUBLISHER_ROLES
    )
