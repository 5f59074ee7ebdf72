"""Communications in the permission matrix (carershub/tests/test_permission_matrix.py).

Every member in post reads the published news; HR admins and organisation admins write,
publish and unpublish articles. HR, organisation admins and carer champions open an awareness
day's page; only those who may change the organisation's plans (HR admins and organisation
admins) add its suggestions to the plan: a champion's press is refused. Someone who has left
holds no role, so none of this.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import HR, MEMBERS, Spec, Targets, action, api, expect, page
from communications.awareness import Campaign
from communications.models import Article

PROMPTED = (*HR, "champion")


def _article(t: Targets) -> Article:
    """A published article of the organisation that owns ``t.staff``."""
    organisation = t.staff.organisation
    found = Article.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    return Article.objects.create(
        organisation=organisation,
        title=f"Matrix article {organisation.slug}",
        summary="A summary.",
        body="The body.",
        published_at=timezone.now(),
    )


def article(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _article(t).pk}


def api_article(t: Targets) -> dict[str, Any]:
    return {"article_id": _article(t).pk}


def awareness(t: Targets) -> dict[str, Any]:
    return {
        "org_slug": t.org.slug,
        "campaign": str(Campaign.CARERS_RIGHTS_DAY),
        "year": timezone.localdate().year,
    }


def suggestion(t: Targets) -> dict[str, Any]:
    return {**awareness(t), "key": "staff-article"}


MATRIX: dict[str, Spec] = {
    "communications:news": page(MEMBERS),
    "communications:article": page(MEMBERS, kwargs=article, cross=True),
    "communications:manage": page(HR),
    "communications:article_new": page(HR),
    "communications:article_edit": page(HR, kwargs=article, cross=True),
    "communications:article_publish": action(HR, article),
    "communications:article_unpublish": action(HR, article),
    "communications:awareness_day": page(PROMPTED, kwargs=awareness),
    # No object id: the other organisation's copy is tried through its own address only.
    "communications:suggestion_add": Spec("POST", expect(HR, 302), suggestion, tenant=True),
    # Any member's token reads the news; the outsider's lists their own organisation's.
    "api-v1:list_articles": api("GET", MEMBERS, 200),
    "api-v1:get_article": api("GET", MEMBERS, 200, kwargs=api_article, cross=True),
}
