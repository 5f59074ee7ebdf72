"""The network's part of the demo: the champion has started it, arranged two meetings, answered
one question from the box and agreed to be listed as a contact; the carer belongs, and one
question waits for an answer."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from networks.models import MeetingKind
from networks.selectors import questions_waiting
from networks.services import (
    ContactDetails,
    MeetingDetails,
    contact_set,
    meeting_create,
    network_join,
    network_start,
    question_answer,
    question_ask,
)
from organisations.models import Organisation


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(*, organisation: Organisation, champion: User, carer: User) -> None:
    network = network_start(
        organisation=organisation,
        user=champion,
        name="Carers together",
        about=(
            "A friendly group for anyone at Eastbrook who looks after someone outside work, "
            "or has done. We meet for twenty minutes over coffee each month, and online for "
            "those on other sites or shifts.\n\nJoining is private: only the carer champions "
            "see who belongs. Come to one meeting and see if it helps."
        ),
        channel=Channel.COMMAND,
    )
    network_join(network=network, user=carer)
    meeting_create(
        network=network,
        user=champion,
        details=MeetingDetails(
            title="Coffee and a chat",
            kind=MeetingKind.COFFEE,
            starts_at=_at(7, 12),
            minutes=20,
            place="Staff restaurant, main building",
            link="",
            agenda="Introductions, then what has helped you balance work and caring.",
        ),
        channel=Channel.COMMAND,
    )
    meeting_create(
        network=network,
        user=champion,
        details=MeetingDetails(
            title="Online catch-up for other sites",
            kind=MeetingKind.ONLINE,
            starts_at=_at(21, 17),
            minutes=30,
            place="",
            link="https://meet.example.org/eastbrook-carers",
            agenda="Carer's leave: how to ask, and what others have found.",
        ),
        channel=Channel.COMMAND,
    )
    question_ask(
        network=network,
        user=carer,
        text="Can I use carer's leave for half a day, for a hospital appointment?",
    )
    question_ask(
        network=network,
        user=carer,
        text="Is there somewhere quiet to make a private phone call at lunchtime?",
    )
    first = questions_waiting(network=network)[0]
    question_answer(
        question=first,
        user=champion,
        text=first.text,
        answer=(
            "Yes. Carer's leave can be taken as half days, or as single days, up to a week in "
            "any 12 months. Ask your manager as early as you can: the notice is twice the time "
            "you want off, or three days if that is longer."
        ),
        expected_version=first.version,
        channel=Channel.COMMAND,
    )
    contact_set(
        organisation=organisation,
        user=champion,
        details=ContactDetails(
            listed=True, how_to_reach="Extension 4021, Monday to Wednesday", show_email=True
        ),
        expected_version=None,
        channel=Channel.COMMAND,
    )
