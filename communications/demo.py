"""Communications' part of the demo: two published articles for the trust's staff and one
draft, so the news page, HR's list and the API have something to show. Every name is made
up; the awareness-day prompts need no data (they come from the calendar)."""

from __future__ import annotations

from accounts.models import User
from audit.models import Channel
from communications.services import ArticleDetails, article_create, article_publish
from organisations.models import Organisation

_PUBLISHED = (
    ArticleDetails(
        title="Carer's leave: how to ask for it here",
        summary="Up to a week a year to look after someone, asked for like any other leave.",
        body=(
            "Anyone who looks after a relative or friend with a long-term need can take "
            "carer's leave, from their first day with us.\n\n"
            "## How to ask\n\n"
            "- Open **Leave** from your home page and choose the days\n"
            "- Give notice of twice the time you ask for, or three days if that is longer\n"
            "- You do not have to show any evidence\n\n"
            "Talk to your line manager or the carer champions if you are unsure."
        ),
    ),
    ArticleDetails(
        title="Our carers' network meets monthly",
        summary="A colleague from estates on what a lunchtime coffee with other carers gave him.",
        body=(
            "He came along once to see what it was like, and now books the room.\n\n"
            "Nobody has to explain why they come, and only the champions know who is a "
            "member. The next date is on the network's page."
        ),
    ),
)

_DRAFT = ArticleDetails(
    title="Carers Week: what we are planning",
    summary="A draft for HR to finish before the week starts.",
    body="Ideas so far: a coffee morning, a message from the executive sponsor.",
)


def seed(*, organisation: Organisation, hr: User) -> None:
    for details in _PUBLISHED:
        article = article_create(
            organisation=organisation, user=hr, details=details, channel=Channel.COMMAND
        )
        article_publish(
            article=article, user=hr, expected_version=article.version, channel=Channel.COMMAND
        )
    article_create(organisation=organisation, user=hr, details=_DRAFT, channel=Channel.COMMAND)
