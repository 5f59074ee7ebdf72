"""What learning adds to hook points: the home card (``organisations.hooks``) and the
learner's badges on their account page (``accounts.hooks``).

Registered in ``LearningConfig.ready()``.
"""

from __future__ import annotations

from accounts.hooks import AccountPanel
from accounts.models import User
from learning.content import module as find_module
from learning.selectors import badges_for_account, modules_for
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


#: After the account's own settings and organisations.
ACCOUNT_PANEL_ORDER = 50


def account_panels(*, user: User) -> list[AccountPanel]:
    """The person's badges from every organisation, on their account page, in one query."""
    held = badges_for_account(user=user)
    if not held:
        return []
    return [
        AccountPanel(
            order=ACCOUNT_PANEL_ORDER,
            template="learning/_account_badges.html",
            data={"badges": [(badge, find_module(badge.module)) for badge in held]},
        )
    ]
