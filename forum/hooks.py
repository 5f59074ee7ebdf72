"""What the forum adds to the organisation home page (``organisations.hooks``).

Registered in ``ForumConfig.ready()``.
"""

from __future__ import annotations

from forum.rules import READER_ROLES
from organisations.hooks import HomeCard, HomeViewer
from organisations.selectors import roles_in

#: After the support directory (60).
HOME_CARD_ORDER = 65


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """A link to the partnership's forum for those who may read it; it reads nothing more
    than the roles the page already holds."""
    partnership = viewer.organisation.partnership
    if partnership is None:
        return []
    if not roles_in(user=viewer.user, organisation=viewer.organisation) & READER_ROLES:
        return []
    return [
        HomeCard(
            order=HOME_CARD_ORDER,
            template="forum/_home_card.html",
            data={"partnership": partnership},
        )
    ]
