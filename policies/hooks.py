"""What policies adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``PoliciesConfig.ready()``.
"""

from __future__ import annotations

from organisations.hooks import HomeCard, HomeViewer
from policies.public import published_policies
from policies.rules import MANAGE

#: After the staff carer network (45), before support (60).
HOME_CARD_ORDER = 55


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """The published policies, for everyone here; HR is asked to write them."""
    published = published_policies(organisation=viewer.organisation)
    manages = viewer.user.has_perm(MANAGE, viewer.organisation)
    if not published and not manages:
        return []
    return [
        HomeCard(
            order=HOME_CARD_ORDER,
            template="policies/_home_card.html",
            data={"published": published, "manages": manages},
        )
    ]
