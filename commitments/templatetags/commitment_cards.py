from __future__ import annotations

from typing import Any

from django import template

from commitments.selectors import published_commitment
from organisations.models import Organisation

register = template.Library()


@register.inclusion_tag("commitments/_home_card.html", takes_context=True)
def commitment_card(context: dict[str, Any], organisation: Organisation) -> dict[str, Any]:
    """The organisation home page's card: the published commitment, in one query.

    A tag rather than view context, so the home page needs no knowledge of this app.
    """
    return {
        "organisation": organisation,
        "published": published_commitment(organisation=organisation),
    }
