from __future__ import annotations

from typing import Any

from django import template

from organisations.models import Organisation

register = template.Library()


@register.inclusion_tag("benchmarks/_home_card.html", takes_context=True)
def benchmark_card(context: dict[str, Any], organisation: Organisation) -> dict[str, Any]:
    """The home page's card for those who read the benchmark position but do not run it (the
    executive sponsor and the carer champion); HR find it in their own section.

    A tag rather than view context, so the home page needs no knowledge of this app.
    """
    user = context["request"].user
    return {
        "organisation": organisation,
        "show": user.has_perm("benchmarks.view_assessments", organisation)
        and not user.has_perm("benchmarks.run_assessments", organisation),
    }
