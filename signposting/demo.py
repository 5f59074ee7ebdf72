"""The support directory's part of the demo: a national helpline, a local carers' centre for
the trust's area, the trust's own offer (due for a check, to show the flag) and a digital
resource with a code for the whole partnership. Every name and address is made up."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from organisations.models import Organisation, Partnership
from signposting.services import CodeDetails, EntryDetails, Owner, code_add, entry_create


def seed(*, organisation: Organisation, partnership: Partnership, hr: User, lead: User) -> None:
    today = timezone.localdate()
    ours = Owner(organisation=organisation)
    shared = Owner(partnership=partnership)
    entry_create(
        owner=shared,
        by=lead,
        channel=Channel.COMMAND,
        details=EntryDetails(
            kind="national",
            name="Carers Advice Line (demo)",
            who_for="Anyone in the UK who looks after a relative, partner or friend.",
            how_to_get="Phone on weekdays from 9am to 6pm, or write through the website.",
            phone="0808 196 0000",
            email="advice@carers-line.example.org",
            website="https://carers-line.example.org",
            covers_everywhere=True,
            areas="",
            topics=("money", "rights", "work"),
            needs=(),
            review_by=today + timedelta(days=300),
        ),
    )
    entry_create(
        owner=shared,
        by=lead,
        channel=Channel.COMMAND,
        details=EntryDetails(
            kind="local_centre",
            name="Eastbrook Carers' Centre (demo)",
            who_for="Carers who live in Eastbrook or care for someone there.",
            how_to_get="Drop in on weekday mornings or ask for a carer's assessment by phone.",
            phone="01632 960 000",
            email="hello@eastbrook-carers.example.org",
            website="https://eastbrook-carers.example.org",
            covers_everywhere=False,
            areas="Eastbrook\nEB1\nEB2",
            topics=("breaks", "peer", "home_help"),
            needs=("older_age", "disability", "illness"),
            review_by=today + timedelta(days=200),
        ),
    )
    entry_create(
        owner=ours,
        by=hr,
        channel=Channel.COMMAND,
        details=EntryDetails(
            kind="own_offer",
            name="Employee assistance programme",
            who_for="Everyone who works here, and the people they live with.",
            how_to_get="Call any time, day or night. Nobody here is told that you called.",
            phone="0800 000 0000",
            email="",
            website="",
            covers_everywhere=True,
            areas="",
            topics=("wellbeing", "money"),
            needs=("mental_health", "addiction"),
            # Past its check-by date, so HR sees the "needs checking" flag.
            review_by=today - timedelta(days=7),
        ),
    )
    online = entry_create(
        owner=shared,
        by=lead,
        channel=Channel.COMMAND,
        details=EntryDetails(
            kind="digital",
            name="Caring Well online course (demo)",
            who_for="Staff of the partnership's organisations who look after someone.",
            how_to_get="Register on the website with the access code below.",
            phone="",
            email="",
            website="https://caring-well.example.org",
            covers_everywhere=True,
            areas="",
            topics=("wellbeing", "breaks"),
            needs=("mental_health", "child_needs", "older_age"),
            review_by=today + timedelta(days=120),
        ),
    )
    code_add(
        entry=online,
        by=lead,
        today=today,
        channel=Channel.COMMAND,
        details=CodeDetails(
            code="EASTBROOK-DEMO-2026",
            holder=shared,
            valid_from=today,
            valid_until=today + timedelta(days=365),
            notes="Choose 'I have an employer code' when you register.",
        ),
    )
