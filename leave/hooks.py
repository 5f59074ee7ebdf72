"""What leave adds to organisations' hook points (``organisations.hooks``).

Registered in ``LeaveConfig.ready()``: the deputyships leaving would end, and the home page's
cards for carer's leave and flexible working.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from leave.deputies import managers_deputised
from leave.models import Deputy
from organisations.hooks import HomeCard, HomeViewer, Tie
from organisations.models import StaffStatus

#: Where the leave cards sit among the feature apps' cards on the home page: after passports.
HOME_CARD_ORDER = 20


def open_deputyships(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each deputyship not ended and not over by ``on``, as ("deputyship", manager, deputy)."""
    deputyships = Deputy.objects.filter(
        manager__organisation_id=organisation_id, ended_at__isnull=True, to_date__gte=on
    ).values_list("manager_id", "deputy_id")
    for manager_id, deputy_id in deputyships.iterator(chunk_size=2000):
        yield "deputyship", manager_id, deputy_id


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Carer's leave and flexible working, each telling a decider that they decide.

    Only someone who manages people in post, or stands in for such a manager today, decides
    requests: nobody else is told to "decide your team's requests".
    """
    record = viewer.record
    decides = bool(viewer.report_count) or bool(
        record is not None
        and record.status == StaffStatus.ACTIVE
        and managers_deputised(deputy=record, on=viewer.today)
    )
    data = {"decides_requests": decides}
    return [
        HomeCard(order=HOME_CARD_ORDER, template="leave/_home_card.html", data=data),
        HomeCard(order=HOME_CARD_ORDER + 1, template="leave/_home_card_flexible.html", data=data),
    ]
