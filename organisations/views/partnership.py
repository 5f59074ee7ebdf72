from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from organisations.models import Nation, Partnership, Sector, SizeBand
from organisations.selectors import partnership_overview
from organisations.types import AuthenticatedRequest
from shared.suppression import suppress_with_total


@require_safe
@login_required
def partnership_home(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A partnership lead's view: member organisations and their headcounts, never people."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not request.user.has_perm("organisations.lead_partnership", partnership):
        raise Http404  # not saying whether a partnership exists to people outside it
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
