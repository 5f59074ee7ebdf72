"""Reminders that go once per date: claim the date, then queue the email, in one transaction.

Used by passport reviews, plan dates and leave deadlines. The date reminded is recorded on
the row under a row lock, so a daily run (or two runs on the same day) never sends it
twice, and moving the date brings a new reminder for the new date. Recording the date and
queueing the email happen in one transaction: if the email cannot be rendered or queued, the
record is rolled back and the next run tries again, and the other reminders still go.

Some dates are reminded several times as they come closer (14, 7, 3 and 1 days before a
deadline): ``Stages`` says when, and ``send_each_stage`` records the stage reached with the
date, so each stage goes once, a run that missed a day sends the stage that is due when it
next runs, and a moved date starts again from the stage its new distance calls for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction

logger = logging.getLogger(__name__)

#: How a reminder finds its date on the locked row: a field's name, or a function of the
#: row (for a date kept elsewhere, such as the first day of a request's days).
DueDate = str | Callable[[models.Model], date | None]


def _due(row: models.Model, due: DueDate) -> date | None:
    return due(row) if callable(due) else getattr(row, due, None)


def _locked(model: type[models.Model], pk: int) -> models.Model | None:
    return model._default_manager.select_for_update().filter(pk=pk).first()


def claim(model: type[models.Model], pk: int, *, sent: str, due: str) -> date | None:
    """Record, under a row lock, that the reminder for the row's current ``due`` date is going
    out; return that date. ``None`` if another run already sent it or the date moved meanwhile.
    Call it inside the transaction that also queues the email (``send_each`` does)."""
    locked = _locked(model, pk)
    when: date | None = getattr(locked, due, None)
    if locked is None or when is None or getattr(locked, sent) == when:
        return None
    model._default_manager.filter(pk=pk).update(**{sent: when})
    return when


@dataclass(frozen=True)
class Stages:
    """Reminders at several distances before a date, such as 14, 7, 3 and 1 days.

    ``last_days_left`` is the closest to the date a reminder may still go (0: on the day
    itself; 1: no later than the day before).
    """

    days_before: tuple[int, ...]
    last_days_left: int = 0

    def due(self, days_left: int) -> int | None:
        """The stage due with ``days_left`` to go: the nearest one at or beyond it, so a run
        that missed a stage's day still sends it. None before the first, or too late."""
        if days_left < self.last_days_left:
            return None
        reached = [stage for stage in self.days_before if stage >= days_left]
        return min(reached, default=None)


def claim_stage(
    model: type[models.Model],
    pk: int,
    *,
    sent: str,
    stage: str,
    due: DueDate,
    stages: Stages,
    today: date,
) -> tuple[date, int] | None:
    """Record, under a row lock, that the stage due today for the row's current date is going
    out; return (date, stage). ``None`` when no stage is due, or this stage or a closer one
    was already sent for this date. ``sent`` holds the date and ``stage`` the days before it
    of the last stage sent; a different date in ``sent`` means nothing was sent for this one."""
    locked = _locked(model, pk)
    if locked is None:
        return None
    when = _due(locked, due)
    if when is None:
        return None
    reached = stages.due((when - today).days)
    if reached is None:
        return None
    last = getattr(locked, stage)
    if getattr(locked, sent) == when and last is not None and last <= reached:
        return None
    model._default_manager.filter(pk=pk).update(**{sent: when, stage: reached})
    return when, reached


def _each[M: models.Model](
    items: Iterable[M],
    claim_one: Callable[[M], tuple[date, int] | date | None],
    send: Callable[..., bool | None],
) -> int:
    """Claim and queue each item's reminder in a transaction of its own; one that fails is
    logged and rolled back (so tried again next time), and the others still go."""
    queued = 0
    for item in items:
        try:
            with transaction.atomic():
                claimed = claim_one(item)
                if claimed is None:
                    continue
                args = claimed if isinstance(claimed, tuple) else (claimed,)
                if send(item, *args) is False:
                    continue
        except Exception:
            logger.exception("Reminder for %s %s not queued", type(item).__name__, item.pk)
            continue
        queued += 1
    return queued


def send_each[M: models.Model](
    items: Iterable[M], *, sent: str, due: str, send: Callable[[M, date], bool | None]
) -> int:
    """Claim and queue each item's reminder in a transaction of its own; return how many were
    queued. ``send`` queues the email for the claimed date; it returns False when there was
    nobody to send it to (the date stays claimed: there is nobody to remind later either)."""
    return _each(items, lambda item: claim(type(item), item.pk, sent=sent, due=due), send)


def send_each_stage[M: models.Model](
    items: Iterable[M],
    *,
    sent: str,
    stage: str,
    due: DueDate,
    stages: Stages,
    today: date,
    send: Callable[[M, date, int], bool | None],
) -> int:
    """As ``send_each``, for dates reminded at several stages (``claim_stage``). ``send``
    gets the date and the stage (days before it) being sent. Rows whose stage already went
    out, as they were read, are skipped without taking their lock."""

    def pending(item: M) -> bool:
        when = _due(item, due)
        reached = None if when is None else stages.due((when - today).days)
        if reached is None:
            return False
        last = getattr(item, stage)
        return not (getattr(item, sent) == when and last is not None and last <= reached)

    return _each(
        (item for item in items if pending(item)),
        lambda item: claim_stage(
            type(item), item.pk, sent=sent, stage=stage, due=due, stages=stages, today=today
        ),
        send,
    )
