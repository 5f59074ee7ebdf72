"""The forum's part of the demo: an anonymised case study from the trust, a named one from
the council, a discussion between them and an event run by the partnership's lead. Every
name, place and address is made up."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from forum.services import (
    CaseStudyDetails,
    EventDetails,
    case_study_publish,
    event_add,
    reply_add,
    thread_start,
)
from organisations.models import Partnership


def seed(
    *, partnership: Partnership, hr: User, council_hr: User, champion: User, lead: User
) -> None:
    case_study_publish(
        partnership=partnership,
        by=hr,
        channel=Channel.COMMAND,
        details=CaseStudyDetails(
            title="Planning carer's leave into a ward rota",
            summary=(
                "Ward managers now keep two short shifts a month free for staff who need "
                "time for someone they look after."
            ),
            body=(
                "Staff told us that asking for a day off at short notice felt like letting the "
                "team down.\n\nWe asked ward managers to leave two short shifts a month "
                "unfilled until the week before, so they can go to anyone who needs time for "
                "caring. Requests are made to the ward manager only, and nobody has to say "
                "why.\n\nAfter six months fewer people called in sick at short notice, and "
                "the shifts that were not needed were filled as usual."
            ),
            anonymous=True,
            consent=True,
        ),
    )
    case_study_publish(
        partnership=partnership,
        by=council_hr,
        channel=Channel.COMMAND,
        details=CaseStudyDetails(
            title="A carers' passport conversation in every induction",
            summary="New starters hear about the passport in their first week.",
            body=(
                "Our induction now has ten minutes on looking after someone while working: "
                "what the passport is, that it is private, and who the carer champions "
                "are.\n\nMore people tell their line manager in their first year, and fewer "
                "wait until a crisis."
            ),
            anonymous=False,
            consent=True,
        ),
    )
    started = thread_start(
        partnership=partnership,
        by=champion,
        title="How do you keep a carers' network going over the summer?",
        body="Our meetings thin out from July. What has worked for you?",
    )
    reply_add(
        thread=started,
        by=council_hr,
        body="We switch to a short online call every other week, and post a question to "
        "answer in the chat for those who cannot join.",
    )
    event_add(
        partnership=partnership,
        by=lead,
        channel=Channel.COMMAND,
        details=EventDetails(
            title="Carer-friendly employers' breakfast",
            starts_at=(timezone.localtime() + timedelta(days=21)).replace(
                hour=8, minute=30, second=0, microsecond=0
            ),
            place="Eastbrook Civic Centre, committee room 3",
            link="https://events.eastbrook.example.org/carers-breakfast",
            description=(
                "An hour before work to hear how two member organisations changed their "
                "rotas, with time for questions."
            ),
        ),
    )
