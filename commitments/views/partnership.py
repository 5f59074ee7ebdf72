"""The partnership's page of signed commitments: who in the partnership has committed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from commitments.selectors import partnership_commitments, published_text_in_partnership
from organisations.access import access_partnership
from organisations.models import Partnership
from organisations.types import AuthenticatedRequest


def _access_partnership(request: AuthenticatedRequest, slug: str) -> Partnership:
    return access_partnership(
        viewer=request.user, slug=slug, permission="commitments.view_partnership_commitments"
    )


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
