"""Writes of the staff carer network: champions start it, describe it and arrange meetings;
anyone in post joins or leaves.

Membership is private: joining and leaving write no audit entry (the organisation's log is
read by HR), and leaving deletes the membership row, so nothing about the person remains.
Emails about meetings go to each member separately (nobody sees who else was sent one), with
a neutral subject and opening: an inbox preview is public (docs/trust-rules.md, rule 11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from networks.calendar import meeting_invitation
from networks.models import (
    Announcement,
    ChampionContact,
    Meeting,
    Network,
    NetworkMember,
    Question,
)
from networks.selectors import in_reach, may_see_meetings, member_recipients, reached
from organisations.models import Membership, Organisation
from shared.dates import long_datetime
from shared.emails import send_templated
from shared.writes import EditConflict, RuleError, check_version, lock

RUN = "networks.run_network"
VIEW = "networks.view_network"
#: A meeting lasts at least a few minutes and at most a working day.
MINUTES_MIN, MINUTES_MAX = 5, 480


def _check(user: User, organisation: Organisation, permission: str) -> None:
    if not user.has_perm(permission, organisation):
        raise PermissionDenied


class NetworkConflict(EditConflict):
    def __init__(self, network: Network) -> None:
        super().__init__(
            _(
                "Someone changed the network's page at %(when)s, after you opened this page. "
                "Nothing has been saved. What you typed is still here: save again to use it."
            )
            % {"when": long_datetime(network.updated_at)},
            current_version=network.version,
        )


class MeetingConflict(EditConflict):
    def __init__(self, meeting: Meeting) -> None:
        super().__init__(
            _(
                "Someone changed this meeting at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: save again to use it."
            )
            % {"when": long_datetime(meeting.updated_at)},
            current_version=meeting.version,
        )


def _audit(
    target: Network | Meeting | Announcement | Question | ChampionContact,
    organisation_id: int,
    *,
    by: User,
    action: Action,
    channel: Channel,
    summary: str,
) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=target,
        organisation_id=organisation_id,
        summary=summary,
    )


@transaction.atomic
def network_start(
    *, organisation: Organisation, user: User, name: str, about: str, channel: Channel = Channel.WEB
) -> Network:
    """Start the organisation's network (a champion); there is one per organisation."""
    _check(user, organisation, RUN)
    try:
        with transaction.atomic():
            network = Network.objects.create(
                organisation=organisation, name=name.strip(), about=about.strip(), updated_by=user
            )
    except IntegrityError:
        raise RuleError(
            "network_exists",
            _("This organisation already has a network: open it from the network's page."),
        ) from None
    _audit(
        network,
        organisation.pk,
        by=user,
        action=Action.CREATE,
        channel=channel,
        summary="Started the staff carer network",
    )
    # The staff here now use this network, not one shared in the partnership: their
    # memberships of that one go, so nothing about them stays behind.
    if organisation.partnership_id is not None:
        for shared in Network.objects.filter(
            shared_with_id=organisation.partnership_id,
            organisation__partnership_id=organisation.partnership_id,
        ).select_related("organisation"):
            _prune_unreached(shared)
    return network


@transaction.atomic
def network_edit(
    *,
    network: Network,
    user: User,
    name: str,
    about: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Change the network's name and description; unchanged, nothing is written."""
    _check(user, network.organisation, RUN)
    locked = lock(Network, network.pk)
    check_version(locked.version, expected_version, lambda: NetworkConflict(locked))
    if (locked.name, locked.about) == (name.strip(), about.strip()):
        return False
    locked.name, locked.about = name.strip(), about.strip()
    locked.version += 1
    locked.updated_by = user
    locked.save()
    _audit(
        locked,
        locked.organisation_id,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary="Changed the network's page",
    )
    return True


def _check_reach(user: User, network: Network) -> None:
    """In post at an organisation the network is for: its own, or one it is shared with."""
    if not in_reach(network=network, user=user):
        raise PermissionDenied


@transaction.atomic
def network_join(*, network: Network, user: User) -> bool:
    """Join the network; already a member, nothing happens. Not audited: membership is private."""
    # Locked, so a join cannot slip in just after sharing stopped and its rows were pruned.
    network = lock(Network.objects.select_related("organisation"), network.pk)
    _check_reach(user, network)
    _, created = NetworkMember.objects.get_or_create(network=network, user=user)
    return created


@transaction.atomic
def network_leave(*, network: Network, user: User) -> bool:
    """Leave the network: the membership is deleted, and with it everything that said the
    person belonged. Someone who has left the organisation may still take themselves off."""
    deleted, _ = NetworkMember.objects.filter(network=network, user=user).delete()
    return bool(deleted)


def _prune_unreached(network: Network) -> None:
    """Delete the memberships of everyone the network no longer reaches (sharing stopped, or
    their organisation started its own), so nothing about them stays behind."""
    NetworkMember.objects.filter(network=network).exclude(
        Exists(
            Membership.objects.with_power().filter(
                user_id=OuterRef("user_id"), organisation_id__in=reached(network)
            )
        )
    ).delete()


@transaction.atomic
def network_share(
    *,
    network: Network,
    user: User,
    shared: bool,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Open the network to the staff of every other organisation in the partnership that has
    no network of its own, or close it to them again.

    The organisation's champions go on running it. A partnership has at most one shared
    network (a database constraint), so its staff are never asked to choose. Closing it
    deletes the memberships of everyone no longer reached. Unchanged, nothing is written.
    """
    _check(user, network.organisation, RUN)
    locked = lock(Network.objects.select_related("organisation"), network.pk)
    check_version(locked.version, expected_version, lambda: NetworkConflict(locked))
    if locked.shared == shared:
        return False
    partnership_id = locked.organisation.partnership_id
    if shared:
        if partnership_id is None:
            raise RuleError(
                "no_partnership",
                _("Your organisation is not in a partnership, so there is no one to share with."),
                field="shared",
            )
        # A network whose organisation has since moved to another partnership no longer
        # shares anything here: free the place it holds.
        Network.objects.filter(shared_with_id=partnership_id).exclude(
            organisation__partnership_id=partnership_id
        ).update(shared_with=None)
        other = (
            Network.objects.filter(shared_with_id=partnership_id)
            .exclude(pk=locked.pk)
            .select_related("organisation")
            .first()
        )
        if other is not None:
            raise _already_shared(other)
    locked.shared_with_id = partnership_id if shared else None
    locked.version += 1
    locked.updated_by = user
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:  # another organisation shared at the same moment
        other = (
            Network.objects.filter(shared_with_id=partnership_id)
            .select_related("organisation")
            .first()
        )
        raise _already_shared(other) from None
    if not shared:
        _prune_unreached(locked)
    _audit(
        locked,
        locked.organisation_id,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary=(
            "Shared the network with the partnership"
            if shared
            else "Stopped sharing the network with the partnership"
        ),
    )
    network.shared_with_id, network.version = locked.shared_with_id, locked.version
    return True


def _already_shared(other: Network | None) -> RuleError:
    return RuleError(
        "partnership_has_one",
        _(
            "%(organisation)s already shares its network with the partnership. Your staff can "
            "use that one, or keep this one to yourselves."
        )
        % {"organisation": other.organisation.name if other else _("Another organisation")},
        field="shared",
    )


@dataclass(frozen=True)
class MeetingDetails:
    title: str
    kind: str
    starts_at: datetime
    minutes: int
    place: str
    link: str
    agenda: str
    notes: str = ""


def _check_meeting(details: MeetingDetails, *, now: datetime, start_changed: bool) -> None:
    if not details.title.strip():
        raise RuleError("title_missing", _("Enter a title for the meeting"), field="title")
    if start_changed and details.starts_at < now:
        raise RuleError(
            "meeting_in_the_past",
            _("The meeting must start in the future"),
            field="starts_at",
        )
    if not MINUTES_MIN <= details.minutes <= MINUTES_MAX:
        raise RuleError(
            "bad_minutes",
            _("A meeting lasts from %(min)s to %(max)s minutes")
            % {"min": MINUTES_MIN, "max": MINUTES_MAX},
            field="minutes",
        )
    link = details.link.strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise RuleError(
            "unsafe_link",
            _("Enter a link starting with https:// or http://"),
            field="link",
        )
    if not details.place.strip() and not link:
        raise RuleError(
            "nowhere", _("Say where the meeting is, or give the link to join it"), field="place"
        )


def _fields(details: MeetingDetails) -> dict[str, object]:
    return {
        "title": details.title.strip(),
        "kind": details.kind,
        # To the minute, as pages show and take it, so an unchanged form matches.
        "starts_at": details.starts_at.replace(second=0, microsecond=0),
        "minutes": details.minutes,
        "place": details.place.strip(),
        "link": details.link.strip(),
        "agenda": details.agenda.strip(),
        "notes": details.notes.strip(),
    }


def _send_invitations(
    meeting: Meeting, *, changed: bool, template: str = "network_meeting"
) -> None:
    """One email per member in post, each with the calendar entry, after the commit."""
    recipients = member_recipients(network=meeting.network)
    invitations: dict[str, str] = {}

    def queue() -> None:
        for address, slug in recipients:
            if slug not in invitations:
                invitations[slug] = meeting_invitation(meeting, org_slug=slug)
            send_templated(
                template=template,
                to=[address],
                context={"meeting": meeting, "changed": changed, "org_slug": slug},
                attachments=[("meeting.ics", invitations[slug], "text/calendar")],
            )

    transaction.on_commit(queue)


@transaction.atomic
def meeting_create(
    *, network: Network, user: User, details: MeetingDetails, channel: Channel = Channel.WEB
) -> Meeting:
    """Arrange a meeting; every member in post is sent an invitation."""
    _check(user, network.organisation, RUN)
    _check_meeting(details, now=timezone.now(), start_changed=True)
    meeting = Meeting.objects.create(network=network, created_by=user, **_fields(details))
    _audit(
        meeting,
        network.organisation_id,
        by=user,
        action=Action.CREATE,
        channel=channel,
        summary="Arranged a network meeting",
    )
    _send_invitations(meeting, changed=False)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    details: MeetingDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Change a meeting, or add its notes afterwards. A move to another time or place sends
    members the updated invitation; unchanged, nothing is written."""
    _check(user, meeting.network.organisation, RUN)
    locked = lock(Meeting, meeting.pk)
    check_version(locked.version, expected_version, lambda: MeetingConflict(locked))
    if locked.cancelled_at is not None:
        raise RuleError("cancelled", _("This meeting was called off: arrange a new one instead."))
    now = timezone.now()
    _check_meeting(details, now=now, start_changed=details.starts_at != locked.starts_at)
    fields = _fields(details)
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return False
    moved = any(
        getattr(locked, name) != fields[name] for name in ("starts_at", "minutes", "place", "link")
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    locked.network = meeting.network
    _audit(
        locked,
        meeting.network.organisation_id,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary="Changed a network meeting",
    )
    if moved and locked.starts_at >= now:
        _send_invitations(locked, changed=True)
    return True


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, user: User, expected_version: int | None, channel: Channel = Channel.WEB
) -> bool:
    """Call a meeting off: members are told (the calendar entry marked cancelled) and it is
    no longer reminded. Already called off, nothing happens; one that has started stays."""
    _check(user, meeting.network.organisation, RUN)
    locked = lock(Meeting, meeting.pk)
    check_version(locked.version, expected_version, lambda: MeetingConflict(locked))
    if locked.cancelled_at is not None:
        return False
    now = timezone.now()
    if locked.starts_at < now:
        raise RuleError(
            "meeting_over", _("This meeting has already started, so it cannot be called off.")
        )
    locked.cancelled_at = now
    locked.version += 1
    locked.save()
    locked.network = meeting.network
    meeting.cancelled_at, meeting.version = locked.cancelled_at, locked.version
    _audit(
        locked,
        meeting.network.organisation_id,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary="Called off a network meeting",
    )
    _send_invitations(locked, changed=True, template="network_meeting_cancelled")
    return True


@dataclass(frozen=True)
class AnnouncementDetails:
    title: str
    body: str


@transaction.atomic
def announcement_post(
    *,
    network: Network,
    user: User,
    details: AnnouncementDetails,
    channel: Channel = Channel.WEB,
) -> Announcement:
    """News for the members: on the network's page, and emailed to each member separately."""
    _check(user, network.organisation, RUN)
    if not details.title.strip():
        raise RuleError("title_missing", _("Enter a title"), field="title")
    if not details.body.strip():
        raise RuleError("body_missing", _("Enter the news"), field="body")
    announcement = Announcement.objects.create(
        network=network, title=details.title.strip(), body=details.body.strip(), created_by=user
    )
    _audit(
        announcement,
        network.organisation_id,
        by=user,
        action=Action.CREATE,
        channel=channel,
        summary="Posted news to the network",
    )
    recipients = member_recipients(network=network)

    def queue() -> None:
        for address, slug in recipients:
            send_templated(
                template="network_announcement",
                to=[address],
                context={"announcement": announcement, "org_slug": slug},
            )

    transaction.on_commit(queue)
    return announcement


#: Reminders go out when a meeting is this close.
REMIND_BEFORE = timedelta(hours=24)


class QuestionConflict(EditConflict):
    def __init__(self, question: Question) -> None:
        super().__init__(
            _(
                "Another champion changed this question or its answer after you opened this "
                "page. Nothing has been saved. What you typed is still here: save again to use it."
            ),
            current_version=question.version,
        )


#: A box this full takes no more questions until the champions have worked through it: one
#: person, unseen, cannot bury everyone else's questions.
WAITING_MAX = 100


@transaction.atomic
def question_ask(*, network: Network, user: User, text: str) -> bool:
    """Put a question to the champions without saying who asked.

    The asker must be a member (or a champion) in post, but nothing about them is written:
    no person, no time of day, no audit entry, no one-time form token (which records who sent
    it). A second copy of a question still waiting is not added, so a double click or a
    resend makes one question. Returns whether a question was added.
    """
    _check_reach(user, network)
    if not may_see_meetings(network=network, user=user):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise RuleError("question_missing", _("Enter your question"), field="text")
    lock(Network, network.pk)  # one asker at a time, so the checks below hold
    waiting = Question.objects.filter(network=network, answered_at__isnull=True)
    if waiting.filter(text=text).exists():
        return False
    if waiting.count() >= WAITING_MAX:
        raise RuleError(
            "box_full",
            _(
                "The question box is full while the champions work through it. Please ask "
                "again in a few days, or talk to a champion."
            ),
            field="text",
        )
    Question.objects.create(network=network, text=text, asked_on=timezone.localdate())
    return True


@transaction.atomic
def question_answer(
    *,
    question: Question,
    user: User,
    text: str,
    answer: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Answer a question, publishing it with its answer to the members. The champion may
    reword the question first, so that nobody can be recognised from it. Unchanged, nothing
    is written. The audit entry names the champion's act, never the question's words."""
    organisation = question.network.organisation
    _check(user, organisation, RUN)
    locked = lock(Question, question.pk)
    check_version(locked.version, expected_version, lambda: QuestionConflict(locked))
    text, answer = text.strip(), answer.strip()
    if not text:
        raise RuleError(
            "question_missing", _("Enter the question as members will read it"), field="text"
        )
    if not answer:
        raise RuleError("answer_missing", _("Enter the answer"), field="answer")
    if (locked.text, locked.answer) == (text, answer):
        return False
    first = locked.answered_at is None
    locked.text, locked.answer = text, answer
    if first:
        locked.answered_at = timezone.now()
    locked.version += 1
    locked.save()
    _audit(
        locked,
        organisation.pk,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary=(
            "Answered a question in the network's question box"
            if first
            else "Changed an answer in the network's question box"
        ),
    )
    question.text, question.answer = locked.text, locked.answer
    question.answered_at, question.version = locked.answered_at, locked.version
    return True


@transaction.atomic
def question_remove(
    *, question: Question, user: User, expected_version: int | None, channel: Channel = Channel.WEB
) -> bool:
    """Take a question out of the box (unanswerable, unkind, or one that would say who asked),
    or an answered one off the members' page. Already gone, nothing happens."""
    organisation = question.network.organisation
    _check(user, organisation, RUN)
    locked = Question.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None:
        return False
    check_version(locked.version, expected_version, lambda: QuestionConflict(locked))
    _audit(
        locked,
        organisation.pk,
        by=user,
        action=Action.DELETE,
        channel=channel,
        summary="Removed a question from the network's question box",
    )
    locked.delete()
    return True


class ContactConflict(EditConflict):
    def __init__(self, contact: ChampionContact) -> None:
        super().__init__(
            _(
                "Your listing was changed at %(when)s, after you opened this page (perhaps in "
                "another tab). Nothing has been saved. What you typed is still here: save again "
                "to use it."
            )
            % {"when": long_datetime(contact.updated_at)},
            current_version=contact.version,
        )


@dataclass(frozen=True)
class ContactDetails:
    listed: bool
    how_to_reach: str
    show_email: bool


@transaction.atomic
def contact_set(
    *,
    organisation: Organisation,
    user: User,
    details: ContactDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """A champion says whether to be listed as a contact on the carer pages, and how to reach
    them. Only they decide: nobody lists a champion without their consent. Not listing
    deletes the row. Unchanged, nothing is written."""
    _check(user, organisation, RUN)
    current = (
        ChampionContact.objects.select_for_update()
        .filter(organisation=organisation, user=user)
        .first()
    )
    if current is not None:
        check_version(current.version, expected_version, lambda: ContactConflict(current))
    elif expected_version not in (None, 0):
        # Listed in another tab and taken off since: the page's copy is stale.
        raise EditConflict(
            _(
                "Your listing was changed after you opened this page (perhaps in another "
                "tab). Nothing has been saved: check what is shown and save again."
            ),
            current_version=0,
        )
    how = details.how_to_reach.strip()
    if not details.listed:
        if current is None:
            return False
        _audit(
            current,
            organisation.pk,
            by=user,
            action=Action.DELETE,
            channel=channel,
            summary="Stopped being listed as a carer champion to contact",
        )
        current.delete()
        return True
    if current is None:
        try:
            with transaction.atomic():
                created = ChampionContact.objects.create(
                    organisation=organisation,
                    user=user,
                    how_to_reach=how,
                    show_email=details.show_email,
                )
        except IntegrityError:  # listed in another tab at the same moment
            raise EditConflict(
                _(
                    "Your listing was changed after you opened this page (perhaps in another "
                    "tab). Nothing has been saved: check what is shown and save again."
                ),
                current_version=1,
            ) from None
        _audit(
            created,
            organisation.pk,
            by=user,
            action=Action.CREATE,
            channel=channel,
            summary="Agreed to be listed as a carer champion to contact",
        )
        return True
    if (current.how_to_reach, current.show_email) == (how, details.show_email):
        return False
    current.how_to_reach, current.show_email = how, details.show_email
    current.version += 1
    current.save()
    _audit(
        current,
        organisation.pk,
        by=user,
        action=Action.UPDATE,
        channel=channel,
        summary="Changed how staff can reach them as a carer champion",
    )
    return True
