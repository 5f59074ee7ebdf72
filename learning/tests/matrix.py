"""Learning in the permission matrix (carershub/tests/test_permission_matrix.py): any member in
post may learn, and sees only their own progress and attempts (no page takes another person's
attempt: learning/tests/test_views.py); someone who has left is refused, like every page that
is not about their own records.

The reflection log is private like a personal plan, but its addresses name no person and no
entry: each is always the viewer's own log, so every member in post gets their own (200)
and there is no address at which anyone could ask for someone else's (``private_page`` is
for addresses that carry another person's record id). That another member, the line
manager, HR or an admin never see the owner's words is in learning/tests/test_reflection.py.

Only HR sees the completion figures, which name nobody, and only HR changes the
organisation's own text of a lesson (a leaver, like any member without the role, is refused).
"""

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
    api,
    page,
    private_page,
)
from learning.content import modules
from learning.models import Badge
from learning.services import attempt_start, attempt_submit

MODULE = "carer-aware"
LESSON = "who-carers-are"
PRINCIPLE = "identify-early"


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
    "learning:figures": page(HR),
    "learning:content": page(HR),
    "learning:content_edit": page(HR, kwargs=lesson),
    # With no text of the organisation's own, going back to the standard one changes nothing.
    "learning:content_reset": _own(action(HR, lesson, {"version": "0"})),
    # Badges: the list is every member's own; one badge's page only its holder's (anyone else
    # learns nothing, not even that it exists). The file is the holder's from any page, also
    # after leaving; the public page, the check and the image are for anyone.
    "learning:badges": page(MEMBERS) | {"leaver": 200},
    "learning:badge": private_page(("carer",), badge) | {"leaver": 404},
    "learning:badge_download": Spec(
        "GET", dict.fromkeys(EVERYONE, 404) | {ANON: 302, "carer": 200}, badge_only
    ),
    "learning:badge_public": Spec("GET", dict.fromkeys(EVERYONE, 200), badge_only),
    "learning:badge_verify": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    # The API is personal-token only: an organisation token (what the matrix holds) never
    # reads or writes anyone's learning, not even its owner's.
    "api-v1:list_modules": api("GET", (), 403),
    "api-v1:get_module": api("GET", (), 403, kwargs=lambda t: {"slug": MODULE}),
    "api-v1:start_attempt": api("POST", (), 403, kwargs=lambda t: {"slug": MODULE}),
    "api-v1:submit_answers": api(
        "POST", (), 403, kwargs=lambda t: {"slug": MODULE, "attempt_id": 1}, data={"answers": {}}
    ),
    "api-v1:list_badges": api("GET", (), 403),
    "api-v1:completion_figures_list": api("GET", HR, 200),
    "learning:badge_image": Spec("GET", dict.fromkeys(EVERYONE, 200), lambda t: {"module": MODULE}),
    "learning:reflection": page(MEMBERS),
    "learning:reflection_edit": page(MEMBERS, kwargs=principle),
    # With no first step saved, the button is refused with a message and back to the page.
    "learning:reflection_to_plan": _own(action(MEMBERS, principle)),
}
