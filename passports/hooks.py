"""What passports adds to organisations' hook points (``organisations.hooks``).

Registered in ``PassportsConfig.ready()``. Ending and restoring shares are the services
themselves (``shares_close_stale``, ``shares_restore_after_import``); this module holds the
reads organisations needs: the shares leaving would end, the home page's passport cards and
the one fact HR may see on a staff record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from organisations.hooks import HomeCard, HomeViewer, RecordFact, Tie
from organisations.models import StaffRecord
from passports.models import PassportShare
from passports.selectors import carer_status_recorded, shared_with_manager

#: Where the passport cards sit among the feature apps' cards on the home page: first.
HOME_CARD_ORDER = 10


def open_shares(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each open share as ("share", the carer, the person it is shared with).

    A share is open until it ends, whatever the date, so ``on`` changes nothing here.
    """
    shares = PassportShare.objects.filter(
        passport__staff__organisation_id=organisation_id, ended_at__isnull=True
    ).values_list("passport__staff_id", "with_staff_id")
    for carer_id, with_id in shares.iterator(chunk_size=2000):
        yield "share", carer_id, with_id


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """The carer's own passport card, and the manager's count of passports shared with them.

    Counts only: names appear on the team passports page, where each read is audited.
    """
    record = viewer.record
    if record is None:
        return []
    cards = [HomeCard(order=HOME_CARD_ORDER, template="passports/_home_card.html")]
    shared = shared_with_manager(manager=record)
    if shared:
        overdue = sum(1 for p in shared if p.next_review_on and p.next_review_on < viewer.today)
        cards.append(
            HomeCard(
                order=HOME_CARD_ORDER + 1,
                template="passports/_home_card_shared.html",
                data={"shared_passports": len(shared), "reviews_overdue": overdue},
            )
        )
    return cards


def carer_fact(*, record: StaffRecord) -> list[RecordFact]:
    """Only ever the flag, and only when the carer chose to record it (trust rule 3)."""
    recorded = carer_status_recorded(staff=record)
    value = _("Yes, recorded at their request") if recorded else _("Not recorded")
    return [RecordFact(label=_("Carer"), value=value)]
