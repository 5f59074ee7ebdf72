"""Marking the missing as left: how many, what it ends, and the limit."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from organisations.leaving import open_ties
from organisations.models import Organisation, StaffStatus
from organisations.staff_import.checks import StagingDb
from organisations.staff_import.plan import ImportPlan, RowError, WriteAs
from shared.suppression import THRESHOLD as SUPPRESS_BELOW
from shared.suppression import Count


def leavers_limit(in_post: int) -> int:
    """The most people one import may mark as left without being forced.

    A share of the people in post (``STAFF_IMPORT_LEAVERS_LIMIT_PERCENT``) and never fewer
    than ``STAFF_IMPORT_LEAVERS_LIMIT_MIN``, so that a small organisation's ordinary leavers
    pass, while a partial file given as a complete one (one row marking everyone else as
    left) is stopped. See docs/staff-import.md, "Marking staff as left".
    """
    share = in_post * settings.STAFF_IMPORT_LEAVERS_LIMIT_PERCENT // 100
    return max(settings.STAFF_IMPORT_LEAVERS_LIMIT_MIN, share)


_GONE = (
    "gone AS (SELECT e.id FROM {existing} e WHERE e.status = %s "
    "AND NOT EXISTS (SELECT 1 FROM import_rows p WHERE p.number = e.number))"
)


def count_leaving(db: StagingDb, plan: ImportPlan) -> None:
    """How many are in post, and how many of them the file leaves out: one query."""
    in_post, leaving = db.one(
        "SELECT count(*), count(*) - count(p.line) "  # noqa: S608 - fixed SQL fragments; values are parameters
        f"FROM {db.existing} e LEFT JOIN import_rows p ON p.number = e.number "
        "WHERE e.status = %s",
        [StaffStatus.ACTIVE.value],
    )
    plan.marking_left = True
    plan.in_post, plan.marked_left = int(in_post), int(leaving)
    plan.left_limit = leavers_limit(plan.in_post)


def count_ties(db: StagingDb, plan: ImportPlan, organisation: Organisation) -> None:
    """How many passport shares and deputyships the leaving would end: counts, never who."""
    db.add_ties(open_ties(organisation_id=organisation.pk, on=timezone.localdate()))
    ending = dict(
        db.rows(
            f"WITH {_GONE.format(existing=db.existing)} "  # noqa: S608 - fixed SQL fragments; values are parameters
            "SELECT t.kind, count(*) FROM import_ties t "
            "WHERE t.a IN (SELECT id FROM gone) OR t.b IN (SELECT id FROM gone) GROUP BY t.kind",
            [StaffStatus.ACTIVE.value],
        )
    )
    plan.ties_counted = True
    plan.shares_ending = int(ending.get("share", 0))
    plan.deputyships_ending = int(ending.get("deputyship", 0))


def shares_shown(count: int) -> str:
    """The number of passport shares leaving ends, as HR may see it.

    A share says that someone is a carer, and HR sees the staff numbers of those marked
    as left, so a small count would point at people (trust rule 3). Under five, zero
    included, it reads "fewer than 5" (trust rule 4), so that even "none" gives nothing away.
    """
    return str(Count(count if count >= SUPPRESS_BELOW else None))


def leaving_refused(plan: ImportPlan, write_as: WriteAs) -> RowError | None:
    """Why the people to mark as left cannot be marked, if they cannot; ``None`` if they can."""
    count = plan.marked_left
    if plan.left_above_limit and not write_as.left_forced:
        message = ngettext(
            "This file would mark %(count)s of the %(in_post)s people in post as left, more "
            "than the limit of %(limit)s person without forcing it. Check that the file lists "
            "everyone currently employed. Nothing was imported.",
            "This file would mark %(count)s of the %(in_post)s people in post as left, more "
            "than the limit of %(limit)s people without forcing it. Check that the file lists "
            "everyone currently employed. Nothing was imported.",
            plan.left_limit,
        ) % {"count": count, "in_post": plan.in_post, "limit": plan.left_limit}
        return RowError(0, "", message)
    confirmed = write_as.left_confirmed
    if confirmed is None and count:
        message = ngettext(
            "This file would mark %(count)s person as left, and that was not confirmed. "
            "Nothing was imported.",
            "This file would mark %(count)s people as left, and that number was not "
            "confirmed. Nothing was imported.",
            count,
        ) % {"count": count}
        return RowError(0, "", message)
    if confirmed is not None and confirmed != count:
        message = ngettext(
            "This file would now mark %(count)s person as left, not the %(confirmed)s that "
            "were confirmed. Nothing was imported.",
            "This file would now mark %(count)s people as left, not the %(confirmed)s that "
            "were confirmed. Nothing was imported.",
            count,
        ) % {"count": count, "confirmed": confirmed}
        return RowError(0, "", message)
    return None
