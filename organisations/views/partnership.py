from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from organisations.access import access_partnership
from organisations.models import Nation, Sector, SizeBand
from organisations.selectors import partnership_overview
from organisations.types import AuthenticatedRequest
from shared.suppression import suppress_with_total


@require_safe
@login_required
def partnership_home(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A partnership lead's view: member organisations and their headcounts, never people."""
    partnership = access_partnership(
        viewer=request.user, slug=slug, permission="organisations.lead_partnership"
    )
    rows = partnership_overview(partnership=partnership)
    counts, total = suppress_with_total({row["pk"]: row["staff"] for row in rows})
    members = [
        {
            "name": row["name"],
            "nation": Nation(row["nation"]).label,
            "sector": Sector(row["sector"]).label,
            "size_band": SizeBand(row["size_band"]).label,
            "staff": counts[row["pk"]],
        }
        for row in rows
    ]
    return render(
        request,
        "organisations/partnership_home.html",
        {"partnership": partnership, "members": members, "total": total},
    )
