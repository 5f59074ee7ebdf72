"""What communications adds to the organisation home page (``organisations.hooks``): the
awareness-day prompts for HR, organisation admins and champions, and the news for everyone.

Registered in ``CommunicationsConfig.ready()``.
"""

from __future__ import annotations

from communications.rules import READ_NEWS
from communications.selectors import prompts_for
from organisations.hooks import HomeCard, HomeViewer

#: A prompt comes first: it is timely.
PROMPT_CARD_ORDER = 5
#: After the support directory (60).
NEWS_CARD_ORDER = 65


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Reads no table: the prompts come from the calendar and the reader's roles."""
    cards = [
        HomeCard(
            order=PROMPT_CARD_ORDER,
            template="communications/_prompt_card.html",
            data={"occurrence": found},
        )
        for found in prompts_for(
            viewer=viewer.user, organisation=viewer.organisation, today=viewer.today
        )
    ]
    if viewer.user.has_perm(READ_NEWS, viewer.organisation):
        cards.append(HomeCard(order=NEWS_CARD_ORDER, template="communications/_news_card.html"))
    return cards
