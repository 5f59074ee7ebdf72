"""What commitments adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``CommitmentsConfig.ready()``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commitments.selectors import published_commitment, version_to_sign
from organisations.hooks import HomeCard, HomeViewer, WaitingItem

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


def waiting_for(*, viewer: HomeViewer) -> list[WaitingItem]:
    """The executive sponsor's signature, when HR has marked a version ready for it."""
    if not viewer.user.has_perm("commitments.sign_commitment", viewer.organisation):
        return []
    ready = version_to_sign(organisation=viewer.organisation)
    if ready is None:
        return []
    url = reverse("commitments:sign", args=[viewer.organisation.slug, ready.number])
    return [WaitingItem(title=_("Sign the leadership commitment"), url=url)]
