"""What networks adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``NetworksConfig.ready()``.
"""

from __future__ import annotations

from networks.selectors import network_of
from organisations.hooks import HomeCard, HomeViewer

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
