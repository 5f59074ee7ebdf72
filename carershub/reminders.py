"""Reminders that go once per date: claim the date, then queue the email, in one transaction.

Used by passport reviews and plan dates. The date reminded is recorded on the row under a
row lock, so a daily run (or two runs on the same day) never sends it twice, and moving the
date brings a new reminder for the new date. Recording the date and queueing the email
happen in one transaction: if the email cannot be rendered or queued, the record is rolled
back and the next run tries again, and the other reminders still go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date

from django.db import models, transaction

logger = logging.getLogger(__name__)


def claim(model: type[models.Model], pk: int, *, sent: str, due: str) -> date | None:
    """Record, under a row lock, that the reminder for the row's current ``due`` date is going
    out; return that date. ``None`` if another run already sent it or the date moved meanwhile.
    Call it inside the transaction that also queues the email (``send_each`` does)."""
    manager = model._default_manager
    locked = manager.select_for_update().filter(pk=pk).first()
    when: date | None = getattr(locked, due, None)
    if locked is None or when is None or getattr(locked, sent) == when:
        return None
    manager.filter(pk=pk).update(**{sent: when})
    return when


def send_each[M: models.Model](
    items: Iterable[M], *, sent: str, due: str, send: Callable[[M, date], bool | None]
) -> int:
    """Claim and queue each item's reminder in a transaction of its own; return how many were
    queued. ``send`` queues the email for the claimed date; it returns False when there was
    nobody to send it to (the date stays claimed: there is nobody to remind later either)."""
    queued = 0
    for item in items:
        try:
            with transaction.atomic():
                when = claim(type(item), item.pk, sent=sent, due=due)
                if when is None or send(item, when) is False:
                    continue
        except Exception:
            logger.exception("Reminder for %s %s not queued", type(item).__name__, item.pk)
            continue
        queued += 1
    return queued
