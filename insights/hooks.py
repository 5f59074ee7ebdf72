"""Insight's part of the organisation home page: the three figures that matter most, for HR
and the executive sponsor (``organisations.hooks.home_figures``)."""

from __future__ import annotations

from collections.abc import Iterable

from insights import rules
from insights.figures import organisation_headline
from organisations.hooks import HomeCard, HomeViewer


def home_figures(*, viewer: HomeViewer) -> Iterable[HomeCard]:
    if not viewer.user.has_perm(rules.VIEW, viewer.organisation):
        return []
    headline = organisation_headline(organisation=viewer.organisation, today=viewer.today)
    return [HomeCard(order=10, template="insights/_home_figures.html", data={"report": headline})]
