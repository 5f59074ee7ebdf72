"""Reads of the support directory, scoped to the reader's organisation.

Members see their organisation's entries and its partnership's, worked out from the
organisation's partnership as it is now. A page of results is a fixed number of queries
however large the directory: the filters are indexed lookups (``EntryArea``,
``EntryTopic``), and a page's areas and topics are read for that page's rows only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404

from organisations.models import Organisation, Partnership
from shared.paging import CountlessPage, countless_page
from signposting.models import AccessCode, AreaKind, Entry, EntryArea, EntryNeed, EntryTopic, Kind
from signposting.services import Owner

PAGE_SIZE = 20


def visible_entries(*, organisation: Organisation) -> QuerySet[Entry]:
    """The organisation's own entries and its partnership's, while it is in one."""
    where = Q(organisation=organisation)
    if organisation.partnership_id is not None:
        where |= Q(partnership_id=organisation.partnership_id)
    return Entry.objects.filter(where)


@dataclass(frozen=True)
class Search:
    """What a reader filters by; each part optional."""

    area: tuple[AreaKind, str] | None = None
    topic: str = ""
    kind: str = ""


def search_entries(*, organisation: Organisation, search: Search) -> QuerySet[Entry]:
    """Entries matching every filter given, by name. An entry available everywhere matches
    any area."""
    found = visible_entries(organisation=organisation)
    if search.area is not None:
        kind, value = search.area
        in_area = EntryArea.objects.filter(entry=OuterRef("pk"), kind=kind, value=value)
        found = found.filter(Q(covers_everywhere=True) | Exists(in_area))
    if search.topic:
        found = found.filter(
            Exists(EntryTopic.objects.filter(entry=OuterRef("pk"), topic=search.topic))
        )
    if search.kind:
        found = found.filter(kind=search.kind)
    return found.order_by("name", "pk")


def with_parts(entries: list[Entry]) -> list[Entry]:
    """Read the areas, topics and needs of ``entries`` at once (three queries in all)."""
    prefetch_related_objects(entries, "areas", "topics", "needs")
    return entries


def directory_page(
    *, organisation: Organisation, search: Search, number: str | None
) -> CountlessPage:
    page = countless_page(
        search_entries(organisation=organisation, search=search), number=number, size=PAGE_SIZE
    )
    with_parts(list(page.object_list))
    return page


def for_you_page(
    *, organisation: Organisation, needs: list[str], number: str | None
) -> CountlessPage:
    """A page of the entries suited to any of ``needs``, by name, with their parts: the same
    few queries however many there are. Worked out on every request from what the carer
    chose; nothing about it is kept."""
    suited = EntryNeed.objects.filter(entry=OuterRef("pk"), need__in=needs)
    found = (
        visible_entries(organisation=organisation).filter(Exists(suited)).order_by("name", "pk")
        if needs
        else Entry.objects.none()
    )
    page = countless_page(found, number=number, size=PAGE_SIZE)
    with_parts(list(page.object_list))
    return page


def access_entry(*, organisation: Organisation, pk: int) -> Entry:
    """One entry a member of ``organisation`` may read; any other is a 404, so whether it
    exists elsewhere is not revealed."""
    entry = visible_entries(organisation=organisation).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return with_parts([entry])[0]


def codes_for(*, entry: Entry, organisation: Organisation, today: date) -> list[AccessCode]:
    """The access codes of ``entry`` that staff of ``organisation`` may use today: issued to
    the organisation or to the partnership it is in now, and valid today. The caller has
    already checked that the reader is a member in post and that the entry is visible here."""
    entitled = Q(organisation=organisation)
    if organisation.partnership_id is not None:
        entitled |= Q(partnership_id=organisation.partnership_id)
    return list(
        # Only a digital resource carries codes (``entry_update`` refuses to change the kind of
        # one that has any; this keeps a code from showing if one slipped through).
        AccessCode.objects.filter(entitled, entry=entry, entry__kind=Kind.DIGITAL)
        .filter(valid_from__lte=today, valid_until__gte=today)
        .order_by("valid_until", "pk")
    )


def _owned(owner: Owner) -> QuerySet[Entry]:
    if owner.organisation is not None:
        return Entry.objects.filter(organisation=owner.organisation)
    return Entry.objects.filter(partnership=owner.partnership)


def kept_page(*, owner: Owner, today: date, number: str | None) -> CountlessPage:
    """The owner's entries for their keepers: those past their review date first (oldest
    first), then the rest by name."""
    ordered = (
        _owned(owner)
        .annotate(
            stale=Case(
                When(review_by__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("stale", Case(When(review_by__lt=today, then="review_by")), "name", "pk")
    )
    page = countless_page(ordered, number=number, size=PAGE_SIZE)
    with_parts(list(page.object_list))
    return page


def stale_count(*, owner: Owner, today: date) -> int:
    return _owned(owner).filter(review_by__lt=today).count()


def access_kept_entry(*, owner: Owner, pk: int) -> Entry:
    """One of the owner's entries, for its keepers; another owner's is a 404."""
    entry = _owned(owner).filter(pk=pk).select_related("organisation", "partnership").first()
    if entry is None:
        raise Http404
    return with_parts([entry])[0]


def codes_of(*, entry: Entry) -> list[AccessCode]:
    """Every code of an entry, for its keepers, with who may use each."""
    return list(
        AccessCode.objects.filter(entry=entry)
        .select_related("organisation", "partnership")
        .order_by("valid_until", "pk")
    )


def access_code(*, entry: Entry, pk: int) -> AccessCode:
    code = AccessCode.objects.filter(entry=entry, pk=pk).select_related("entry").first()
    if code is None:
        raise Http404
    return code


def partnership_members(*, partnership: Partnership) -> list[Organisation]:
    """The organisations in the partnership now, by name: who a code may be for."""
    return list(Organisation.objects.filter(partnership=partnership).order_by("name"))
