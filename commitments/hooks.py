"""What commitments adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``CommitmentsConfig.ready()``.
"""

from __future__ import annotations

from commitments.selectors import published_commitment
from organisations.hooks import HomeCard, HomeViewer

#: After plans (30).
HOME_CARD_ORDER = 40


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """The published commitment, for everyone here: it is the organisation's promise to staff."""
    published = published_commitment(organisation=viewer.organisation)
    return [
        HomeCard(
            order=HOME_CARD_ORDER,
            template="commitments/_home_card.html",
            data={"published": published},
        )
    ]
