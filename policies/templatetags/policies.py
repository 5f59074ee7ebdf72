"""``{% policy_links organisation %}``: the small "Your organisation's policies" block the carer
pages show (the passport home, carer's leave, the network), only when a version is published.

Templates load this library instead of importing the app, so those pages' code does not
depend on ``policies``.
"""

from __future__ import annotations

from typing import Any

from django import template

from organisations.models import Organisation
from policies.public import published_policies

register = template.Library()


@register.inclusion_tag("policies/_links.html")
def policy_links(organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "published": published_policies(organisation=organisation),
    }
