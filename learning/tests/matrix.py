"""Learning in the permission matrix (carershub/tests/test_permission_matrix.py): any member in
post may learn, and sees only their own progress and attempts (no page takes another person's
attempt: learning/tests/test_views.py); someone who has left is refused, like every page that
is not about their own records."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from carershub.tests.matrix_kit import MEMBERS, Spec, Targets, action, page

MODULE = "carer-aware"
LESSON = "who-carers-are"


def module(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "module": MODULE}


def lesson(t: Targets) -> dict[str, Any]:
    return {**module(t), "lesson": LESSON}


def _own(spec: Spec) -> Spec:
    """Not tried with the other organisation's ids: the URL takes none."""
    return replace(spec, cross=False)


MATRIX: dict[str, Spec] = {
    "learning:home": page(MEMBERS),
    "learning:module": page(MEMBERS, kwargs=module),
    "learning:lesson": page(MEMBERS, kwargs=lesson),
    "learning:quiz": page(MEMBERS, kwargs=module),
    "learning:result": page(MEMBERS, kwargs=module),
    "learning:quiz_start": _own(action(MEMBERS, module)),
}
