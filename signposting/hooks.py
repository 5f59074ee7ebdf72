"""What the support directory adds to the organisation home page (``organisations.hooks``).

Registered in ``SignpostingConfig.ready()``.
"""

from __future__ import annotations

from organisations.hooks import HomeCard, HomeViewer

#: After learning (50).
HOME_CARD_ORDER = 60


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """A link for every member in post; it reads nothing, so it costs the page no query."""
    return [HomeCard(order=HOME_CARD_ORDER, template="signposting/_home_card.html")]
