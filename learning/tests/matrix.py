"""Learning in the permission matrix (carershub/tests/test_permission_matrix.py): any member in
post may learn, and sees only their own progress and attempts (no page takes another person's
attempt: learning/tests/test_views.py); someone who has left is refused, like every page that
is not about their own records.

The reflection log is private like a personal plan, but its addresses name no person and no
entry: each is always the viewer's own log, so every member in post gets their own (200)
and there is no address at which anyone could ask for someone else's (``private_page`` is
for addresses that carry another person's record id). That another member, the line
manager, HR or an admin never see the owner's words is in learning/tests/test_reflection.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from carershub.tests.matrix_kit import MEMBERS, Spec, Targets, action, page

MODULE = "carer-aware"
LESSON = "who-carers-are"
PRINCIPLE = "identify-early"


def module(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "module": MODULE}


def lesson(t: Targets) -> dict[str, Any]:
    return {**module(t), "lesson": LESSON}


def principle(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "principle": PRINCIPLE}


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
    "learning:reflection": page(MEMBERS),
    "learning:reflection_edit": page(MEMBERS, kwargs=principle),
    # With no first step saved, the button is refused with a message and back to the page.
    "learning:reflection_to_plan": _own(action(MEMBERS, principle)),
}
