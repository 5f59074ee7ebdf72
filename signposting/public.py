"""What other feature apps may use from signposting; nothing else in the app is theirs to import.

Benchmarks' live evidence asks how well the support directory covers an organisation's staff.
It gets counts of entries, areas and access codes. These count places and resources, never
people: nobody's searches or visits are recorded, and an entry says nothing about who uses
it. So a small count gives nobody away and is shown as it is, unlike the counts of staff that
docs/trust-rules.md, rule 4, hides from 1 to 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat

from organisations.models import Organisation
from signposting.models import AccessCode, EntryTopic, Kind, Topic
from signposting.selectors import visible_entries

__all__ = ["DirectoryCoverage", "directory_coverage"]


@dataclass(frozen=True)
class DirectoryCoverage:
    """The directory as the organisation's staff find it today: its own entries and its
    partnership's while it is in one. Counts of entries, not of people."""

    #: Every entry staff can find.
    entries: int
    #: Entries of each kind (``Kind`` values), every kind listed, 0 where there is none.
    by_kind: dict[str, int]
    #: Entries available everywhere in the UK.
    everywhere: int
    #: Different areas (postcode districts and local authorities) named by any entry.
    areas: int
    #: Entries whose check-by date has passed.
    past_review: int
    #: Entries about peer support.
    peer_support: int
    #: Digital resources with an access code that staff here may use today.
    digital_with_code: int


def directory_coverage(*, organisation: Organisation, today: date) -> DirectoryCoverage:
    """Coverage figures in one query, whatever the size of the directory. The entries are
    joined to their areas to count the areas named, so every other count is of distinct
    entries."""
    found = visible_entries(organisation=organisation)
    peer = EntryTopic.objects.filter(entry=OuterRef("pk"), topic=Topic.PEER)
    entitled = Q(organisation=organisation)
    if organisation.partnership_id is not None:
        entitled |= Q(partnership_id=organisation.partnership_id)
    usable = AccessCode.objects.filter(
        entitled, entry=OuterRef("pk"), valid_from__lte=today, valid_until__gte=today
    )

    def entries(where: Q | None = None) -> Count:
        return Count("pk", distinct=True, filter=where)

    counts = found.aggregate(
        entries=entries(),
        everywhere=entries(Q(covers_everywhere=True)),
        past_review=entries(Q(review_by__lt=today)),
        peer_support=entries(Q(Exists(peer))),
        digital_with_code=entries(Q(kind=Kind.DIGITAL) & Q(Exists(usable))),
        areas=Count(
            Concat("areas__kind", Value(":"), "areas__value"),
            distinct=True,
            filter=Q(areas__isnull=False),
        ),
        **{f"kind_{kind}": entries(Q(kind=kind)) for kind in Kind.values},
    )
    return DirectoryCoverage(
        entries=counts["entries"],
        by_kind={kind: counts[f"kind_{kind}"] for kind in Kind.values},
        everywhere=counts["everywhere"],
        areas=counts["areas"],
        past_review=counts["past_review"],
        peer_support=counts["peer_support"],
        digital_with_code=counts["digital_with_code"],
    )
