"""``{% policy_links organisation %}``: the small "Your organisation's policies" block the carer
pages show (the passport home, carer's leave, flexible working, the network), only when a
version is published and only to someone who may read it (a leaver may not).

Templates load this library instead of importing the app, so those pages' code does not
depend on ``policies``.
"""

from __future__ import annotations

from typing import Any

from django import template

from organisations.models import Organisation
from policies.public import published_policies
from policies.rules import VIEW

register = template.Library()


@register.inclusion_tag("policies/_links.html", takes_context=True)
def policy_links(context: template.Context, organisation: Organisation) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(VIEW, organisation):
        return {"published": []}
    return {
        "organisation": organisation,
        "published": published_policies(organisation=organisation),
    }
