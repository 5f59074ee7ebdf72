"""What plans adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``PlansConfig.ready()``.
"""

from __future__ import annotations

from organisations.hooks import HomeCard, HomeViewer

#: After passports (10) and leave (20).
HOME_CARD_ORDER = 30


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Every member has plans: their own, and the strategy plan or actions they may read."""
    return [HomeCard(order=HOME_CARD_ORDER, template="plans/_home_card.html")]
