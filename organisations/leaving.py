"""What marking someone as left ends, and what a corrected staff import brings back.

Leaving ends the ties a person has with others: a passport shared with their manager, or
with them as a manager, and a deputyship they hold or gave. Before an import marks people
as left, HR is shown how many such ties it would end (counts only, never who: trust rule
3). After an import, ``restore_after_import`` brings back what an earlier import's leaving
ended, for people a corrected file has put back in post (docs/staff-import.md, "Putting
right a file that marked people as left by mistake").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from leave.models import Deputy
from passports.models import PassportShare
from passports.services import shares_restore_after_import


def open_ties(*, organisation_id: int, on: date) -> Iterator[tuple[str, int, int]]:
    """Every open tie between two of the organisation's staff records that leaving ends.

    As (kind, staff record id, staff record id): a passport share (the carer, the person it
    is shared with) and a deputyship not ended and not over by ``on`` (the manager, the
    deputy). Either person leaving ends it. Read for counts only.
    """
    shares = PassportShare.objects.filter(
        passport__staff__organisation_id=organisation_id, ended_at__isnull=True
    ).values_list("passport__staff_id", "with_staff_id")
    for carer_id, with_id in shares.iterator(chunk_size=2000):
        yield "share", carer_id, with_id
    deputyships = Deputy.objects.filter(
        manager__organisation_id=organisation_id, ended_at__isnull=True, to_date__gte=on
    ).values_list("manager_id", "deputy_id")
    for manager_id, deputy_id in deputyships.iterator(chunk_size=2000):
        yield "deputyship", manager_id, deputy_id


def restore_after_import(*, organisation_id: int) -> int:
    """Bring back what an earlier import's leaving ended, now that this import put it right.

    Called once an import is written, in its transaction. The staff records need nothing
    here: everyone in a file is in post after it. Roles and deputyships need nothing either:
    they are read at query time and carry power again as soon as both people are in post
    (``Membership.objects.with_power``, ``Deputy.objects.in_force``). What leaving closed
    for good comes back here, each under its own rules: so far passport shares. Add any
    other tie that leaving closes to this function. Returns how many ties came back.
    """
    return shares_restore_after_import(organisation_id=organisation_id)
