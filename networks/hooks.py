"""What networks adds to organisations' hook points (``organisations.hooks``): the home card,
and the champions' "Waiting for you" item for questions in the box.

Registered in ``NetworksConfig.ready()``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from networks.rules import is_champion
from networks.selectors import network_of, waiting_count
from organisations.hooks import HomeCard, HomeViewer, WaitingItem

#: After the commitment (40).
HOME_CARD_ORDER = 45


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """The staff carer network, for everyone here; champions are asked to start one."""
    network = network_of(organisation=viewer.organisation)
    runs = viewer.user.has_perm("networks.run_network", viewer.organisation)
    if network is None and not runs:
        return []
    return [
        HomeCard(
            order=HOME_CARD_ORDER,
            template="networks/_home_card.html",
            data={"network": network, "runs": runs},
        )
    ]


def waiting_for(*, viewer: HomeViewer) -> list[WaitingItem]:
    """Questions in the box wait for the champions, as one item: one query. The item says how
    many, never what they ask."""
    if not is_champion(viewer.user, viewer.organisation):
        return []
    count = waiting_count(organisation=viewer.organisation)
    if not count:
        return []
    return [
        WaitingItem(
            title=ngettext(
                "Answer %(count)s question in the network's question box",
                "Answer %(count)s questions in the network's question box",
                count,
            )
            % {"count": count},
            url=reverse("networks:questions", args=[viewer.organisation.slug]),
            count=count,
        )
    ]
