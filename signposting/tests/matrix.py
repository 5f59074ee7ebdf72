"""The support directory in the permission matrix (carershub/tests/test_permission_matrix.py).

Every member in post searches the directory and opens its entries; the access codes on an
entry's page are worked out for the reader's organisation (signposting/tests/test_services.py
and test_pages.py check who sees which). HR admins, organisation admins and carer champions
keep the organisation's entries; someone who has left holds none of those roles. The
partnership's pages are its leads' only: anyone else is told nothing, not even that they
exist (404), like the partnership's other pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import (
    ANON,
    EVERYONE,
    HR,
    MEMBERS,
    Spec,
    Targets,
    action,
    api,
    page,
)
from signposting.models import AccessCode, Entry, EntryTopic

KEEPERS = (*HR, "champion")


def _entry(t: Targets, *, partnership: bool = False) -> Entry:
    """A digital resource with a code, of the organisation that owns ``t.staff`` (the other
    organisation's in the cross-tenant sweep), or of the partnership."""
    organisation = t.staff.organisation
    owner: dict[str, Any] = (
        {"partnership": organisation.partnership} if partnership else {"organisation": organisation}
    )
    name = "Matrix partnership resource" if partnership else f"Matrix resource {organisation.slug}"
    found = Entry.objects.filter(**owner, name=name).first()
    if found is not None:
        return found
    today = timezone.localdate()
    entry = Entry.objects.create(
        **owner,
        kind="digital",
        name=name,
        name_key=name.casefold(),
        who_for="Staff who look after someone.",
        how_to_get="Sign up on the website with the code.",
        website="https://resource.example.org",
        covers_everywhere=True,
        review_by=today + timedelta(days=90),
    )
    EntryTopic.objects.create(entry=entry, topic="wellbeing")
    AccessCode.objects.create(
        entry=entry,
        code="MATRIX-CODE",
        valid_from=today,
        valid_until=today + timedelta(days=30),
        **owner,
    )
    return entry


def entry(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _entry(t).pk}


def code(t: Targets) -> dict[str, Any]:
    found = _entry(t)
    return {"org_slug": t.org.slug, "pk": found.pk, "code_pk": found.codes.get().pk}


def partnership(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug}


def partnership_entry(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug, "pk": _entry(t, partnership=True).pk}


def partnership_code(t: Targets) -> dict[str, Any]:
    found = _entry(t, partnership=True)
    return {"slug": t.partnership.slug, "pk": found.pk, "code_pk": found.codes.get().pk}


def api_entry(t: Targets) -> dict[str, Any]:
    return {"entry_id": _entry(t).pk}


NEW_ENTRY = {
    "kind": "national",
    "name": "Matrix helpline",
    "who_for": "Anyone looking after someone.",
    "how_to_get": "Phone the helpline.",
    "covers_everywhere": True,
    "topics": ["money"],
    "review_by": (timezone.localdate() + timedelta(days=90)).isoformat(),
}


def _leads_only(method: str, kwargs: Any) -> Spec:
    """A partnership keeper's page or action: its leads only; 404 for everyone else."""
    ok = 200 if method == "GET" else 302
    return Spec(method, {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": ok}, kwargs)


MATRIX: dict[str, Spec] = {
    "signposting:directory": page(MEMBERS),
    "signposting:for_you": page(MEMBERS),
    "signposting:entry": page(MEMBERS, kwargs=entry, cross=True),
    "signposting:manage": page(KEEPERS),
    "signposting:entry_new": page(KEEPERS),
    "signposting:entry_edit": page(KEEPERS, kwargs=entry, cross=True),
    "signposting:entry_remove": page(KEEPERS, kwargs=entry, cross=True),
    "signposting:entry_confirm": action(KEEPERS, entry, {"version": "1"}),
    "signposting:code_new": page(KEEPERS, kwargs=entry, cross=True),
    "signposting:code_remove": action(KEEPERS, code),
    "signposting:partnership_manage": _leads_only("GET", partnership),
    "signposting:partnership_entry_new": _leads_only("GET", partnership),
    "signposting:partnership_entry_edit": _leads_only("GET", partnership_entry),
    "signposting:partnership_entry_remove": _leads_only("GET", partnership_entry),
    "signposting:partnership_entry_confirm": _leads_only("POST", partnership_entry),
    "signposting:partnership_code_new": _leads_only("GET", partnership_entry),
    "signposting:partnership_code_remove": _leads_only("POST", partnership_code),
    # Any member's token reads the directory; the outsider's lists their own organisation's.
    "api-v1:list_support_entries": api("GET", MEMBERS, 200),
    "api-v1:get_support_entry": api("GET", MEMBERS, 200, kwargs=api_entry, cross=True),
    # Keepers write their organisation's entries with an organisation token (the matrix's
    # tokens are all organisation tokens); an empty PATCH changes nothing and answers 200.
    "api-v1:create_support_entry": api("POST", KEEPERS, 201, data=NEW_ENTRY),
    "api-v1:update_support_entry": api(
        "PATCH", KEEPERS, 200, kwargs=api_entry, data={"version": 1}, cross=True
    ),
    "api-v1:delete_support_entry": api("DELETE", KEEPERS, 204, kwargs=api_entry, cross=True),
}
