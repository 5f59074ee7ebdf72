"""Reads of the staff carer network. Who belongs is read as a list only for champions
(``members_of``, behind ``networks.run_network``); anyone else learns only whether they
themselves belong. Every read here is a fixed number of queries however many members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, When
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


def own_network(*, organisation: Organisation) -> Network | None:
    """The network the organisation itself runs, if it has started one."""
    return Network.objects.filter(organisation=organisation).first()


def network_of(*, organisation: Organisation) -> Network | None:
    """The network the organisation's staff use: its own, or else the one another
    organisation of its partnership shares (the oldest, should there ever be two). One query."""
    reach = Q(organisation=organisation)
    if organisation.partnership_id is not None:
        reach |= Q(
            shared_with_id=organisation.partnership_id,
            organisation__partnership_id=organisation.partnership_id,
        )
    return (
        Network.objects.filter(reach)
        .select_related("organisation")
        .annotate(theirs=Case(When(organisation=organisation, then=0), default=1))
        .order_by("theirs", "created_at", "pk")
        .first()
    )


def access_network(*, organisation: Organisation) -> Network:
    """The network the organisation's staff use; none yet is a 404 (its pages start with
    starting it)."""
    found = network_of(organisation=organisation)
    if found is None:
        raise Http404
    return found


def reached(network: Network) -> QuerySet[Organisation, int]:
    """The ids of the organisations whose staff the network is for: its own, and when shared,
    every other organisation now in its partnership that has no network of its own. A
    subquery, so the reads below stay one query."""
    host = network.organisation
    if not network.shared or host.partnership_id is None:
        return Organisation.objects.filter(pk=host.pk).values_list("pk", flat=True)
    return (
        Organisation.objects.filter(partnership_id=host.partnership_id)
        .exclude(
            Exists(Network.objects.filter(organisation_id=OuterRef("pk")).exclude(pk=network.pk))
        )
        .values_list("pk", flat=True)
    )


def in_reach(*, network: Network, user: User) -> bool:
    """Whether the person is in post at an organisation the network is for: one query."""
    return (
        Membership.objects.with_power()
        .filter(user=user, organisation_id__in=reached(network))
        .exists()
    )


def runs(*, network: Network, user: User) -> bool:
    """The champions of the organisation that started the network run it, also when it is
    shared: a champion elsewhere in the partnership is a member like anyone else."""
    return bool(is_champion(user, network.organisation))


def belongs(*, network: Network, user: User) -> bool:
    return NetworkMember.objects.filter(network=network, user=user).exists()


def _in_post(network: Network) -> Exists:
    """The member still holds power at an organisation the network is for (has not left it,
    and, for a shared network, their organisation is still in the partnership)."""
    return Exists(
        Membership.objects.with_power().filter(
            user_id=OuterRef("user_id"), organisation_id__in=reached(network)
        )
    )


def members_of(*, network: Network) -> list[NetworkMember]:
    """The members in post, for the champions' list, longest-standing first: one query.
    Someone who has left the organisation drops out at once (and is never reminded). Each row
    carries ``organisation_name``, where they work, for a shared network's list."""
    where = (
        Membership.objects.with_power()
        .filter(user_id=OuterRef("user_id"), organisation_id__in=reached(network))
        .order_by("organisation__name")
        .values("organisation__name")[:1]
    )
    return list(
        NetworkMember.objects.filter(network=network)
        .filter(_in_post(network))
        .select_related("user")
        .annotate(organisation_name=Subquery(where))
        .order_by("joined_at", "pk")
    )


def member_emails(*, network: Network) -> list[str]:
    """Where invitations and reminders go: each member in post with an active account."""
    return [email for email, _slug in member_recipients(network=network)]


def member_recipients(*, network: Network) -> list[tuple[str, str]]:
    """Each member in post with an active account, with the organisation whose pages they
    open the network from (their own: for a shared network, not always the one that runs it),
    so the links in their email work for them: one query."""
    where = (
        Membership.objects.with_power()
        .filter(user_id=OuterRef("user_id"), organisation_id__in=reached(network))
        .annotate(host_first=Case(When(organisation_id=network.organisation_id, then=0), default=1))
        .order_by("host_first", "organisation__slug")
        .values("organisation__slug")[:1]
    )
    rows = (
        NetworkMember.objects.filter(network=network, user__is_active=True)
        .annotate(slug=Subquery(where))
        .filter(slug__isnull=False)
        .order_by("pk")
        .values_list("user__email", "slug")
    )
    return list(rows)


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
    return runs(network=network, user=user) or belongs(network=network, user=user)


def access_meeting(*, viewer: User, organisation: Organisation, pk: int) -> Meeting:
    """One of the meetings of the network the organisation's staff use, for a member or a
    champion who runs it; anyone else (and any other network's meeting) gets a 404, as if
    there were none."""
    network = network_of(organisation=organisation)
    found = Meeting.objects.filter(pk=pk, network=network).first() if network is not None else None
    if found is None or network is None or not may_see_meetings(network=network, user=viewer):
        raise Http404
    found.network = network
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
            "-answered_at", "text"
        ),
        number=page,
        size=ANSWERS_PER_PAGE,
    )


def questions_waiting(*, network: Network) -> list[Question]:
    """What the champions have still to answer, the longest waiting first: one query. The
    box holds at most ``services.WAITING_MAX`` of them."""
    # By day, then by the words: nothing that says which came first within a day.
    return list(
        Question.objects.filter(network=network, answered_at__isnull=True).order_by(
            "asked_on", "text"
        )
    )


def waiting_count(*, organisation: Organisation) -> int:
    """How many questions wait in the box of the network the organisation runs (none without
    one; a network it only uses, shared by another, is that one's champions' to answer): one
    query."""
    return Question.objects.filter(
        network__organisation=organisation, answered_at__isnull=True
    ).count()


def access_question(*, viewer: User, organisation: Organisation, pk: UUID) -> Question:
    """A question in the box of the network the organisation's staff use, for the champions
    who run it; anyone else (and any other network's question) gets a 404."""
    network = network_of(organisation=organisation)
    found = Question.objects.filter(pk=pk, network=network).first() if network is not None else None
    if found is None or network is None or not runs(network=network, user=viewer):
        raise Http404
    found.network = network
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
        "-answered_at", "text"
    )
