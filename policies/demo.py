"""The policies' part of the demo: HR has published the carers' policy twice (the second time
with paid carer's leave) and carer's leave in plain words once."""

from __future__ import annotations

from accounts.models import User
from audit.models import Channel
from organisations.models import Organisation
from policies.models import PolicyKind
from policies.services import PolicyText, policy_publish

_CARERS_SUMMARY = (
    "If you look after someone who could not manage without you, we will work with you so "
    "you can keep doing your job and your caring."
)
_CARERS_BODY = """## Who this is for

Anyone here who gives unpaid help to a relative, partner, friend or neighbour because of
illness, disability, frailty, a mental health condition or an addiction. You do not need to
live with them, and you do not need to call yourself a carer.

## What we offer

- A private conversation with your line manager, written down in your carer's passport.
- Carer's leave from your first day, and time off when something goes wrong at home.
- Flexible working, asked for from your first day: see [flexible working](product:flexible-working).
- A staff carer network, run by our carer champions.

## Telling us

You choose whether to tell us. If you do, only you decide who reads your passport.
"""
_LEAVE_SUMMARY = (
    "Carer's leave, time off for dependants and flexible working: what you can ask for, how "
    "to ask, and how quickly you will hear back."
)
_LEAVE_BODY = """## Carer's leave

You can take up to one week of carer's leave a year, from your first day with us. Take it in
half days, whole days or all at once. Ask through [carer's leave](product:carers-leave) with
notice of twice the time you want off, or three days if that is longer.

## When something goes wrong at home

If someone who depends on you is suddenly ill or their care falls through, take the time you
need to sort it out. Tell your line manager as soon as you can.

## Flexible working

Ask for a change to your hours, times or place of work at any time. We answer within two
months, and we talk to you before we say no.
"""


def seed(*, organisation: Organisation, hr: User) -> None:
    first = policy_publish(
        organisation=organisation,
        kind=PolicyKind.CARERS,
        user=hr,
        text=PolicyText(summary=_CARERS_SUMMARY, body=_CARERS_BODY),
        expected_version=0,
        channel=Channel.COMMAND,
    )
    policy_publish(
        organisation=organisation,
        kind=PolicyKind.CARERS,
        user=hr,
        text=PolicyText(
            summary=_CARERS_SUMMARY,
            body=_CARERS_BODY.replace(
                "- Carer's leave from your first day,",
                "- Carer's leave from your first day, five days of it paid,",
            ),
            changes="Five days of carer's leave a year are now paid.",
        ),
        expected_version=first.policy.version,
        channel=Channel.COMMAND,
    )
    policy_publish(
        organisation=organisation,
        kind=PolicyKind.LEAVE,
        user=hr,
        text=PolicyText(summary=_LEAVE_SUMMARY, body=_LEAVE_BODY),
        expected_version=0,
        channel=Channel.COMMAND,
    )
