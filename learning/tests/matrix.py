"""Learning in the permission matrix (carershub/tests/test_permission_matrix.py): any member in
post may learn, and sees only their own progress and attempts (no page takes another person's
attempt: learning/tests/test_views.py); someone who has left is refused, like every page that
is not about their own records. Only HR sees the completion figures, which name nobody."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from carershub.tests.matrix_kit import (
    ANON,
    EVERYONE,
    HR,
    MEMBERS,
    Spec,
    Targets,
    action,
    page,
    private_page,
)
from learning.content import modules
from learning.models import Badge
from learning.services import attempt_start, attempt_submit

MODULE = "carer-aware"
LESSON = "who-carers-are"


def module(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "module": MODULE}


def lesson(t: Targets) -> dict[str, Any]:
    return {**module(t), "lesson": LESSON}


def _badge(t: Targets) -> Badge:
    """A badge ``t.staff``'s person earned by passing Carer Aware (the carer, or the outsider in
    the other organisation)."""
    organisation, user = t.staff.organisation, t.staff.user
    assert user is not None
    found = Badge.objects.filter(organisation=organisation, user=user).first()
    if found is not None:
        return found
    module = modules()[MODULE]
    attempt = attempt_start(organisation=organisation, user=user, module=module)
    answers = {q: sorted(module.question(q).correct_ids) for q in attempt.questions}  # type: ignore[union-attr]
    attempt_submit(attempt=attempt, module=module, answers=answers, by=user)
    return Badge.objects.get(organisation=organisation, user=user)


def badge(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "public_id": _badge(t).public_id}


def badge_only(t: Targets) -> dict[str, Any]:
    return {"public_id": _badge(t).public_id}


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
    "learning:figures": page(HR),
    # Badges: the list is every member's own; one badge's page only its holder's (anyone else
    # learns nothing, not even that it exists). The file is the holder's from any page, also
    # after leaving; the public page, the check and the image are for anyone.
    "learning:badges": page(MEMBERS),
    "learning:badge": private_page(("carer",), badge),
    "learning:badge_download": Spec(
        "GET", dict.fromkeys(EVERYONE, 404) | {ANON: 302, "carer": 200}, badge_only
    ),
    "learning:badge_public": Spec("GET", dict.fromkeys(EVERYONE, 200), badge_only),
    "learning:badge_verify": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "learning:badge_image": Spec("GET", dict.fromkeys(EVERYONE, 200), lambda t: {"module": MODULE}),
}
