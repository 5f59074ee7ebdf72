"""Staff import from a CSV extract: check, preview and apply.

The layout and every rule are in ``docs/staff-import.md``. The whole file is checked
before anything is written; if any row is wrong nothing is written, and every problem is
reported with its line, column and reason. A clean file is applied in one transaction.

The file is read once, as a stream (``reading``: no row longer than ``MAX_ROW_CHARACTERS``
is held), so memory stays flat whatever its size:

1. **Rows, one at a time** (``columns.RowChecker``): the csv module reads each row, and the
   checks that need only that row run in Python, the same code for every database. Each row
   goes to a staging table: a good one with its values parsed, a bad one with its problems.
2. **Across rows, in SQL** (``checks.cross_row_checks``): repeated staff numbers, line
   managers who are nowhere or have left, loops in line management and, when asked,
   managers who would be marked as left. The same SQL runs on both engines' staging tables.
   Problems are collected in an error table made only when there is one, so that they
   can be counted and the first ``ERRORS_KEPT`` listed in order. How many the file would
   mark as left, what that ends and how many it may mark are in ``leavers``.
3. **Applying**, by one of two engines with the same results, picked in ``run``:
   ``postgres`` stages with ``COPY`` into temporary tables and writes with two set-based
   statements; ``chunked`` (SQLite, and anything else) stages into a scratch SQLite file
   and writes in batches of ``BATCH`` through the ORM. Both compare a row with the record
   on file with ``preview``. What a file would do, or did, is an ``ImportPlan`` (``plan``).

The file's **profile** (``profiles``) is told from its heading row: one row per person
(generic), or an NHS Electronic Staff Record extract with one row per assignment (``esr``),
whose rows are staged as assignments and folded into people in SQL before step 2.

Callers use the names here; the modules inside are the package's own. A test that lowers
``MAX_ROW_CHARACTERS`` does it in ``reading``, where the limit is read.
"""

from __future__ import annotations

from organisations.staff_import.columns import HEADINGS, REQUIRED
from organisations.staff_import.leavers import leavers_limit, shares_shown
from organisations.staff_import.plan import ERRORS_KEPT, ImportPlan, RowError
from organisations.staff_import.profiles import PROFILES
from organisations.staff_import.reading import MAX_ROW_CHARACTERS
from organisations.staff_import.run import Engine, apply_import, plan_import

__all__ = [
    "ERRORS_KEPT",
    "HEADINGS",
    "MAX_ROW_CHARACTERS",
    "PROFILES",
    "REQUIRED",
    "Engine",
    "ImportPlan",
    "RowError",
    "apply_import",
    "leavers_limit",
    "plan_import",
    "shares_shown",
]
