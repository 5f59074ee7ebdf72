"""The partnership's page of signed commitments: who in the partnership has committed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commitments.selectors import partnership_commitments, published_text_in_partnership
from organisations.models import Partnership
from organisations.types import AuthenticatedRequest


def _access_partnership(request: AuthenticatedRequest, slug: str) -> Partnership:
    partnership = get_object_or_404(Partnership, slug=slug)
    if not request.user.has_perm("commitments.view_partnership_commitments", partnership):
        raise Http404  # not saying whether a partnership exists to people outside it
    return partnership


@require_safe
@login_required
def partnership_commitment_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partnership = _access_partnership(request, slug)
    return render(
        request,
        "commitments/partnership_list.html",
        {
            "partnership": partnership,
            "versions": list(partnership_commitments(partnership=partnership)),
            "is_lead": request.user.has_perm("organisations.lead_partnership", partnership),
        },
    )


@require_safe
@login_required
def partnership_commitment_text(
    request: AuthenticatedRequest, slug: str, org_slug: str
) -> HttpResponse:
    partnership = _access_partnership(request, slug)
    version = published_text_in_partnership(partnership=partnership, organisation_slug=org_slug)
    return render(
        request,
        "commitments/partnership_text.html",
        {"partnership": partnership, "version": version},
    )
