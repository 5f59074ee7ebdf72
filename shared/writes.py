"""The write toolkit every app's services use (docs/architecture.md, "Writing").

A service write takes the row it changes with a lock, refuses an edit made from an older
copy, and says no with a ``RuleError`` (or an ``EditConflict``) rather than a half-save. Pages
turn those into form errors with ``shared.forms.attempt``; the API turns them into problem
details (``api.problems``) knowing only these two classes. The audit entry is written with
``audit.services.audit_record``, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django.db import models
from django.http import Http404


class RuleError(Exception):
    """A write the product's rules refuse; nothing was written.

    ``code`` is stable: the API sends it as the problem's ``code``, and tests name it. A
    subclass sets the HTTP ``status`` and the problem's ``title`` once for its kind of rule.
    ``field`` names the form field the message belongs beside, when there is one.
    """

    status: ClassVar[int] = 422
    title: ClassVar[str] = "Not allowed by the rules"

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class EditConflict(RuleError):
    """Someone saved the record after this person opened their copy; nothing was written.

    ``current_version`` is what the form's hidden ``version_field`` moves on to, so saving
    again applies this person's values knowingly over the change they have been told about.
    The API answers 409 ``edit_conflict`` without the details: who changed what is for the
    person who sees the page.
    """

    status = 409
    title = "The record has changed"
    version_field: ClassVar[str] = "version"

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__("edit_conflict", message)
        self.current_version = current_version

    def describe(self) -> list[str]:
        """The lines for the page's error summary."""
        return [self.message]


def lock[M: models.Model](rows: type[M] | models.QuerySet[M], pk: object) -> M:
    """The row, locked until the transaction ends; gone meanwhile (deleted by someone else)
    is a 404. Pass a queryset to lock with related rows read (only this table is locked)."""
    queryset = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    found = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def check_version(current: int, expected: int | None, conflict: Callable[[], EditConflict]) -> None:
    """Refuse an edit made from an older copy. ``None`` means "whatever is there", which only
    an API ``PATCH`` may ask for; pages and ``PUT`` always send the version they read."""
    if expected is not None and expected != current:
        raise conflict()
