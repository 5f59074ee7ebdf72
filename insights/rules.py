"""Who sees the organisation's figures: HR and the executive sponsor, who answer for how the
organisation supports its carers. The figures are counts only, made safe to show
(docs/insight.md), yet they are not for everyone: a small team's figure read by its own
members says more than it does to HR. Someone who has left holds no role and sees none.
The partnership's roll-up is its lead's (``organisations.lead_partnership``)."""

from typing import Any

import rules

from organisations.models import Organisation, Role
from organisations.rules import is_hr_admin
from organisations.selectors import roles_in


@rules.predicate
def is_sponsor(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Role.SPONSOR in roles_in(user=user, organisation=organisation)


VIEW = "insights.view_figures"

rules.add_perm(VIEW, is_hr_admin | is_sponsor)
