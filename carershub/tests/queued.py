"""Pick the queued tasks out of the callbacks a test captured from ``on_commit``.

Other work also waits for the commit (a person's access read on a page is kept only once its
transaction commits), so a test that means "the task that was queued" names it, rather than
counting every callback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def queued_tasks(callbacks: Sequence[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """The callbacks ``shared.queue.enqueue_on_commit`` registered, in order."""
    return [c for c in callbacks if c.__qualname__.startswith("enqueue_on_commit.")]
