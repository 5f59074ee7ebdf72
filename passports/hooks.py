"""What passports adds to organisations' hook points (``organisations.hooks``).

Registered in ``PassportsConfig.ready()``. Ending and restoring shares are the services
themselves (``shares_close_stale``, ``shares_restore_after_import``); this module holds the
read organisations needs: the shares leaving would end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from organisations.hooks import Tie
from passports.models import PassportShare


def open_shares(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each open share as ("share", the carer, the person it is shared with).

    A share is open until it ends, whatever the date, so ``on`` changes nothing here.
    """
    shares = PassportShare.objects.filter(
        passport__staff__organisation_id=organisation_id, ended_at__isnull=True
    ).values_list("passport__staff_id", "with_staff_id")
    for carer_id, with_id in shares.iterator(chunk_size=2000):
        yield "share", carer_id, with_id
