"""What other feature apps may use from networks; nothing else in the app is theirs to import.

Benchmarks' live evidence asks how big the staff carer network is and how often it meets. It
gets numbers, never rows and never names: who belongs is for the champions alone
(docs/networks.md). Small numbers are the caller's to hide (docs/trust-rules.md, rule 4).

The carer pages (the support directory's) list the champions who agreed to be contacts, as
plain values: a name, how to reach them, and their email only if they chose to show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.selectors import display_name
from networks import selectors
from networks.models import Meeting
from networks.selectors import members_in_post, network_of
from organisations.models import Membership, Organisation
from passports import public as passports


@dataclass(frozen=True)
class NetworkFigures:
    #: Whether the organisation has a network at all.
    exists: bool
    #: Members in post, leaving out carers who chose not to be counted.
    members: int
    #: Meetings that took place between ``since`` and ``until``.
    meetings_held: int


def network_figures(
    *, organisation: Organisation, since: datetime, until: datetime
) -> NetworkFigures:
    """The network's size and the meetings held in the period: three queries at most. For an
    organisation that uses a network another shares, the meetings are that network's."""
    network = network_of(organisation=organisation)
    if network is None:
        return NetworkFigures(exists=False, members=0, meetings_held=0)
    # Held: not called off, and already started (``until`` may run to the end of today).
    held = Meeting.objects.filter(
        network=network,
        cancelled_at__isnull=True,
        starts_at__gte=since,
        starts_at__lt=min(until, timezone.now()),
    ).count()
    # Belonging says much the same as being a carer: those who chose not to be counted as
    # carers are not counted here either. A shared network counts, for each organisation,
    # its own staff only: one organisation's evidence never counts another's people.
    members = (
        members_in_post(network=network)
        .filter(
            Exists(
                Membership.objects.with_power().filter(
                    user_id=OuterRef("user_id"), organisation=organisation
                )
            )
        )
        .exclude(user_id__in=passports.users_not_counted(organisation=organisation))
        .count()
    )
    return NetworkFigures(exists=True, members=members, meetings_held=held)


@dataclass(frozen=True)
class ChampionContact:
    name: str
    how_to_reach: str
    #: Empty unless the champion chose to show it.
    email: str


def champion_contacts(*, organisation: Organisation) -> list[ChampionContact]:
    """The organisation's carer champions who agreed to be listed, while they are champions
    in post: one query."""
    return [
        ChampionContact(
            name=display_name(contact.user), how_to_reach=contact.how_to_reach, email=contact.email
        )
        for contact in selectors.champion_contacts(organisation=organisation)
    ]
