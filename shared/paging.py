"""Pages of a list without counting it.

``COUNT(*)`` over a large trust's staff, or over years of audit events, costs more than the
page itself and grows with the data. These lists fetch one row more than they show to know
whether there is a next page, and say "Page 3" rather than "Page 3 of 412".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class CountlessPage:
    object_list: Sequence[Any]
    number: int
    has_next: bool
    #: Templates shared with Django's ``Page`` look for a paginator to print the total.
    paginator: None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def countless_page(items: QuerySet[Any], *, number: str | None, size: int) -> CountlessPage:
    """Page ``number`` (1 when missing or not a positive whole number) of an ordered queryset.

    A number past the end gives an empty page rather than an error: without a count we cannot
    know the last page, and an empty page says "nothing more" plainly.
    """
    try:
        page = max(1, int(number or 1))
    except ValueError:
        page = 1
    page = min(page, 1_000_000)
    start = (page - 1) * size
    rows = list(items[start : start + size + 1])
    return CountlessPage(object_list=rows[:size], number=page, has_next=len(rows) > size)
