"""What a staff file would do, or did: the plan, its problems and who writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from audit.models import Channel

#: Problems kept in full (sorted by line); the rest are only counted.
ERRORS_KEPT = 1000
#: Rows of each kind listed on the preview page.
PREVIEW_LIMIT = 100


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportPlan:
    """What a file would do (or did); any error means nothing is written.

    Only counts, the first ``ERRORS_KEPT`` problems and the first ``PREVIEW_LIMIT`` rows
    of each kind are kept, so a plan is small whatever the size of the file.
    """

    #: The file's profile (``profiles``): "generic", or "esr" for one row per assignment.
    profile: str = "generic"
    #: For a profile with one row per assignment, how many people the rows are.
    people: int | None = None
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    marked_left: int = 0
    #: Only when marking the missing as left: how many are in post now, the most that may be
    #: marked as left without forcing it (``leavers_limit``), and what their leaving would
    #: end, as counts (never who: trust rule 3).
    marking_left: bool = False
    in_post: int = 0
    left_limit: int = 0
    ties_counted: bool = False
    shares_ending: int = 0
    deputyships_ending: int = 0
    preview_add: list[dict[str, Any]] = field(default_factory=list)
    preview_update: list[dict[str, Any]] = field(default_factory=list)
    preview_left: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.error_count

    @property
    def hidden_errors(self) -> int:
        return max(0, self.error_count - len(self.errors))

    @property
    def left_above_limit(self) -> bool:
        """More would be marked as left than may be without forcing it."""
        return self.marking_left and self.marked_left > self.left_limit

    def preview(self, limit: int = PREVIEW_LIMIT) -> dict[str, Any]:
        """What HR sees before confirming: the first ``limit`` rows of each kind."""
        return {
            "add": self.preview_add[:limit],
            "update": self.preview_update[:limit],
            "mark_left": self.preview_left[:limit],
            "ignored_columns": self.ignored_columns,
            "limit": limit,
            "profile": self.profile,
        }

    def counts(self) -> dict[str, int]:
        counts = {
            "rows": self.rows_read,
            "add": self.added,
            "update": self.updated,
            "unchanged": self.unchanged,
            "mark_left": self.marked_left,
            "errors": self.error_count,
        }
        if self.people is not None:
            counts["people"] = self.people
        if self.marking_left:
            counts.update(in_post=self.in_post, left_limit=self.left_limit)
        if self.ties_counted:
            counts.update(
                shares_ending=self.shares_ending, deputyships_ending=self.deputyships_ending
            )
        return counts


@dataclass(frozen=True)
class WriteAs:
    """Who an import is written as, for the audit, and what they confirmed.

    ``left_confirmed`` is how many people the person importing agreed to mark as left, and
    ``left_forced`` that they agreed to more than ``leavers_limit`` allows: the file is
    checked again as it is written, and a different number writes nothing.
    """

    by: User | None
    channel: Channel
    file_name: str
    left_confirmed: int | None = None
    left_forced: bool = False
