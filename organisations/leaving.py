"""What marking someone as left ends, and what a corrected staff import brings back.

Leaving ends the ties a person has with others: a passport shared with their manager, or
with them as a manager, and a deputyship they hold or gave. Before an import marks people
as left, HR is shown how many such ties it would end (counts only, never who: trust rule
3). After an import, ``restore_after_import`` brings back what an earlier import's leaving
ended, for people a corrected file has put back in post (docs/staff-import.md, "Putting
right a file that marked people as left by mistake").

The ties belong to feature apps, which this base app does not import: each app registers
its part on the hook points in ``organisations.hooks`` (``open_ties``, ``restore_ties``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from organisations import hooks


def open_ties(*, organisation_id: int, on: date) -> Iterator[hooks.Tie]:
    """Every open tie between two of the organisation's staff records that leaving ends.

    As (kind, staff record id, staff record id), from each app registered on
    ``hooks.open_ties`` in turn: so far a passport share (the carer, the person it is shared
    with) and a deputyship not ended and not over by ``on`` (the manager, the deputy).
    Either person leaving ends it. Read for counts only.
    """
    for hook in hooks.open_ties:
        yield from hook(organisation_id=organisation_id, on=on)


def restore_after_import(*, organisation_id: int) -> int:
    """Bring back what an earlier import's leaving ended, now that this import put it right.

    Called once an import is written, in its transaction. The staff records need nothing
    here: everyone in a file is in post after it. Roles and deputyships need nothing either:
    they are read at query time and carry power again as soon as both people are in post
    (``Membership.objects.with_power``, ``Deputy.objects.in_force``). What leaving closed
    for good comes back through ``hooks.restore_ties``, each under its own app's rules: so
    far passport shares. Returns how many ties came back.
    """
    return sum(hook(organisation_id=organisation_id) for hook in hooks.restore_ties)


def end_stale_ties(*, organisation_id: int, left_by_import: bool = False) -> int:
    """End the ties that no longer hold after a change of line manager or a leaver.

    Called by every write that changes a line manager or marks someone as left (a page, the
    API, a staff import), in its transaction, after the records are saved. Each app
    registered on ``hooks.end_stale_ties`` ends its own (so far passport shares, whose
    carers are asked whether to share with their new manager). Returns how many ended.
    """
    return sum(
        hook(organisation_id=organisation_id, left_by_import=left_by_import)
        for hook in hooks.end_stale_ties
    )
