"""Reads of the staff carer network. Who belongs is read as a list only for champions
(``members_of``, behind ``networks.run_network``); anyone else learns only whether they
themselves belong. Every read here is a fixed number of queries however many members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.models import User
from networks.models import (
    Announcement,
    ChampionContact,
    Meeting,
    Network,
    NetworkMember,
    Question,
)
from networks.rules import is_champion
from organisations.models import Membership, Organisation, Role
from shared.paging import CountlessPage, countless_page


def network_of(*, organisation: Organisation) -> Network | None:
    return Network.objects.filter(organisation=organisation).first()


def access_network(*, organisation: Organisation) -> Network:
    """The organisation's network; none yet is a 404 (its pages start with starting it)."""
    found = network_of(organisation=organisation)
    if found is None:
        raise Http404
    return found


def belongs(*, network: Network, user: User) -> bool:
    return NetworkMember.objects.filter(network=network, user=user).exists()


def _in_post(network: Network) -> Exists:
    """The member still holds power in the network's organisation (has not left)."""
    return Exists(
        Membership.objects.with_power().filter(
            user_id=OuterRef("user_id"), organisation_id=network.organisation_id
        )
    )


def members_of(*, network: Network) -> list[NetworkMember]:
    """The members in post, for the champions' list, longest-standing first: one query.
    Someone who has left the organisation drops out at once (and is never reminded)."""
    return list(
        NetworkMember.objects.filter(network=network)
        .filter(_in_post(network))
        .select_related("user")
        .order_by("joined_at", "pk")
    )


def member_emails(*, network: Network) -> list[str]:
    """Where invitations and reminders go: each member in post with an active account."""
    return list(
        NetworkMember.objects.filter(network=network, user__is_active=True)
        .filter(_in_post(network))
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


def members_in_post(*, network: Network) -> QuerySet[NetworkMember]:
    return NetworkMember.objects.filter(network=network).filter(_in_post(network))


def member_count(*, network: Network) -> int:
    return members_in_post(network=network).count()


@dataclass(frozen=True)
class MeetingLists:
    upcoming: list[Meeting]
    past: list[Meeting]


#: How many past meetings the network's page lists, newest first.
PAST_SHOWN = 10


def meetings_of(*, network: Network, now: datetime) -> MeetingLists:
    """Meetings still to come, soonest first, and the latest past ones: two queries."""
    upcoming = list(
        Meeting.objects.filter(network=network, starts_at__gte=now).order_by("starts_at", "pk")
    )
    past = list(
        Meeting.objects.filter(network=network, starts_at__lt=now).order_by("-starts_at", "-pk")[
            :PAST_SHOWN
        ]
    )
    return MeetingLists(upcoming=upcoming, past=past)


def may_see_meetings(*, network: Network, user: User) -> bool:
    """Members, and the champions who run the network, read its meetings."""
    return is_champion(user, network.organisation) or belongs(network=network, user=user)


def access_meeting(*, viewer: User, organisation: Organisation, pk: int) -> Meeting:
    """One of the network's meetings, for a member or a champion; anyone else (and another
    organisation's meeting) gets a 404, as if there were none."""
    found = (
        Meeting.objects.filter(pk=pk, network__organisation=organisation)
        .select_related("network", "network__organisation")
        .first()
    )
    if found is None or not may_see_meetings(network=found.network, user=viewer):
        raise Http404
    return found


#: How many announcements the network's page shows, newest first.
NEWS_SHOWN = 5


def latest_news(*, network: Network) -> list[Announcement]:
    return list(
        Announcement.objects.filter(network=network).order_by("-created_at", "-pk")[:NEWS_SHOWN]
    )


#: Answered questions shown on one page of the question box, newest answer first.
ANSWERS_PER_PAGE = 20


def questions_answered(*, network: Network, page: str | None) -> CountlessPage:
    """The published questions and answers, newest answer first, a page at a time: one query."""
    return countless_page(
        Question.objects.filter(network=network, answered_at__isnull=False).order_by(
            "-answered_at", "-pk"
        ),
        number=page,
        size=ANSWERS_PER_PAGE,
    )


def questions_waiting(*, network: Network) -> list[Question]:
    """What the champions have still to answer, the longest waiting first: one query. The
    box holds at most ``services.WAITING_MAX`` of them."""
    return list(
        Question.objects.filter(network=network, answered_at__isnull=True).order_by(
            "asked_on", "pk"
        )
    )


def waiting_count(*, organisation: Organisation) -> int:
    """How many questions wait in the organisation's box (none without a network): one query."""
    return Question.objects.filter(
        network__organisation=organisation, answered_at__isnull=True
    ).count()


def access_question(*, viewer: User, organisation: Organisation, pk: int) -> Question:
    """A question in the organisation's box, for the champions who answer it; anyone else
    (and another organisation's question) gets a 404."""
    found = (
        Question.objects.filter(pk=pk, network__organisation=organisation)
        .select_related("network", "network__organisation")
        .first()
    )
    if found is None or not is_champion(viewer, organisation):
        raise Http404
    return found


@dataclass(frozen=True)
class Contact:
    """A champion who agreed to be listed, as the carer pages show them."""

    user: User
    how_to_reach: str
    email: str


def champion_contacts(*, organisation: Organisation) -> list[Contact]:
    """The carer champions who agreed to be listed, while they are champions in post: one
    query. A champion who steps down or leaves drops off the list at once, whatever their
    listing says."""
    still_champion = Exists(
        Membership.objects.with_power().filter(
            user_id=OuterRef("user_id"), organisation_id=organisation.pk, role=Role.CHAMPION
        )
    )
    rows = (
        ChampionContact.objects.filter(organisation=organisation, user__is_active=True)
        .filter(still_champion)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    return [
        Contact(
            user=row.user,
            how_to_reach=row.how_to_reach,
            email=row.user.email if row.show_email else "",
        )
        for row in rows
    ]


def contact_of(*, organisation: Organisation, user: User) -> ChampionContact | None:
    """The champion's own listing, if they agreed to one."""
    return ChampionContact.objects.filter(organisation=organisation, user=user).first()


#: The champions' home counts meetings held over this many days.
HELD_OVER_DAYS = 365


def meetings_held(*, network: Network, now: datetime) -> int:
    """Meetings that took place (not called off) in the last year, for the champions: one
    query."""
    return Meeting.objects.filter(
        network=network,
        cancelled_at__isnull=True,
        starts_at__lt=now,
        starts_at__gte=now - timedelta(days=HELD_OVER_DAYS),
    ).count()


def meetings_for_api(*, network: Network) -> QuerySet[Meeting]:
    """Every meeting of the network, latest start first, for the API's pages."""
    return Meeting.objects.filter(network=network).order_by("-starts_at", "-pk")


def questions_answered_for_api(*, network: Network) -> QuerySet[Question]:
    """The published questions and answers, newest answer first, for the API's pages."""
    return Question.objects.filter(network=network, answered_at__isnull=False).order_by(
        "-answered_at", "-pk"
    )
