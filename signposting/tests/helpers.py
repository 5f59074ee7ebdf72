"""Small builders for the directory's tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from signposting.models import Entry
from signposting.services import CodeDetails, EntryDetails, Owner, code_add, entry_create

TODAY = timezone.localdate()


def details(**changes: Any) -> EntryDetails:
    base = EntryDetails(
        kind="local_centre",
        name="Quorvath Carers Centre",
        who_for="Anyone looking after a relative or friend in Quorvath.",
        how_to_get="Phone the centre, or drop in on a weekday morning.",
        phone="0113 496 0000",
        email="hello@quorvath-carers.example.org",
        website="https://quorvath-carers.example.org",
        covers_everywhere=False,
        areas="LS1\nLeeds",
        topics=("breaks", "peer"),
        needs=("older_age",),
        review_by=TODAY + timedelta(days=180),
    )
    return replace(base, **changes)


def add_entry(owner: Owner, by: Any, **changes: Any) -> Entry:
    return entry_create(owner=owner, by=by, details=details(**changes))


def add_code(
    entry: Entry,
    by: Any,
    holder: Owner,
    *,
    code: str = "ZX-PLIMBROOK-77",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Any:
    return code_add(
        entry=entry,
        by=by,
        details=CodeDetails(
            code=code,
            holder=holder,
            valid_from=valid_from or TODAY,
            valid_until=valid_until or TODAY + timedelta(days=365),
            notes="Type it where the site asks for an employer code.",
        ),
        today=TODAY,
    )
