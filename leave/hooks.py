"""What leave adds to organisations' hook points (``organisations.hooks``).

Registered in ``LeaveConfig.ready()``: the deputyships leaving would end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from leave.models import Deputy
from organisations.hooks import Tie


def open_deputyships(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each deputyship not ended and not over by ``on``, as ("deputyship", manager, deputy)."""
    deputyships = Deputy.objects.filter(
        manager__organisation_id=organisation_id, ended_at__isnull=True, to_date__gte=on
    ).values_list("manager_id", "deputy_id")
    for manager_id, deputy_id in deputyships.iterator(chunk_size=2000):
        yield "deputyship", manager_id, deputy_id
