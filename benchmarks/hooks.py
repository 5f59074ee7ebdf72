"""What benchmarks adds to organisations' hook points (``organisations.hooks``): the home card.

Registered in ``BenchmarksConfig.ready()``.
"""

from __future__ import annotations

from organisations.hooks import HomeCard, HomeViewer

#: After the commitment (40).
HOME_CARD_ORDER = 50


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """For those who read the benchmark position but do not run it (the executive sponsor and
    the carer champion); HR find it in their own section of the page."""
    user, organisation = viewer.user, viewer.organisation
    if not user.has_perm("benchmarks.view_assessments", organisation) or user.has_perm(
        "benchmarks.run_assessments", organisation
    ):
        return []
    return [HomeCard(order=HOME_CARD_ORDER, template="benchmarks/_home_card.html")]
