"""What learning adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``LearningConfig.ready()``.
"""

from __future__ import annotations

from learning.selectors import modules_for
from organisations.hooks import HomeCard, HomeViewer

#: After plans (30) and commitments (40).
HOME_CARD_ORDER = 50


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Every member in post may learn (the home page of someone who has left has no cards);
    the card counts the viewer's own modules, in one query."""
    statuses = modules_for(viewer=viewer.user, organisation=viewer.organisation)
    return [
        HomeCard(
            order=HOME_CARD_ORDER,
            template="learning/_home_card.html",
            data={
                "passed": sum(s.passed for s in statuses),
                "started": sum(s.started and not s.passed for s in statuses),
                "total": len(statuses),
            },
        )
    ]
