"""What learning adds to hook points: the home card (``organisations.hooks``) and the
learner's badges on their account page (``accounts.hooks``).

Registered in ``LearningConfig.ready()``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.hooks import AccountPanel
from accounts.models import User
from learning.catalogue import find_module, modules_named
from learning.selectors import (
    audiences_for,
    badges_for_account,
    has_passed,
    modules_for,
    progress_for,
)
from organisations.hooks import HomeCard, HomeViewer, WaitingItem
from organisations.models import Role
from organisations.selectors import roles_in

#: After plans (30) and commitments (40).
HOME_CARD_ORDER = 50


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Every member in post may learn (the home page of someone who has left has no cards);
    the card counts the modules recommended for the viewer, with their own progress, in one
    query (the page has already counted whom they manage and read their roles)."""
    audiences = audiences_for(
        roles=roles_in(user=viewer.user, organisation=viewer.organisation),
        manages_people=viewer.report_count > 0,
    )
    statuses = [
        s
        for s in modules_for(viewer=viewer.user, organisation=viewer.organisation)
        if s.module.audience in audiences
    ]
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
    """The person's badges from every organisation, on their account page: one query, and one
    more when any is for an organisation's own module."""
    held = badges_for_account(user=user)
    if not held:
        return []
    named = modules_named((badge.organisation_id, badge.module) for badge in held)
    return [
        AccountPanel(
            order=ACCOUNT_PANEL_ORDER,
            template="learning/_account_badges.html",
            data={
                "badges": [(badge, named[badge.organisation_id, badge.module]) for badge in held]
            },
        )
    ]


#: The module every carer champion is asked to complete when appointed.
CHAMPIONS_MODULE = "carer-aware"


def waiting_for(*, viewer: HomeViewer) -> list[WaitingItem]:
    """A carer champion who has not passed Carer Aware is asked to take it, from the day they
    are appointed until they pass: champions are the people colleagues turn to first. One
    query, for the viewer's own progress; the roles were read with the page."""
    if Role.CHAMPION not in roles_in(user=viewer.user, organisation=viewer.organisation):
        return []
    module = find_module(organisation_id=None, slug=CHAMPIONS_MODULE)
    if module is None:
        return []
    progress = progress_for(viewer=viewer.user, organisation=viewer.organisation, module=module)
    if has_passed(progress, module):
        return []
    url = reverse("learning:module", args=[viewer.organisation.slug, module.slug])
    return [
        WaitingItem(
            title=_("Take %(module)s: every carer champion is asked to") % {"module": module.title},
            url=url,
        )
    ]
