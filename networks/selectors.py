"""Reads of the staff carer network. Who belongs is read as a list only for champions
(``members_of``, behind ``networks.run_network``); anyone else learns only whether they
themselves belong. Every read here is a fixed number of queries however many members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.models import User
from networks.models import Announcement, Meeting, Network, NetworkMember
from networks.rules import is_champion
from organisations.models import Membership, Organisation


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
