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
from learning.models import Badge, OwnModule, OwnModuleVersion
from learning.own_modules import as_files
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


def _own_module(t: Targets) -> OwnModule:
    """A published module of ``t.org``'s own, with one lesson and one question, its draft
    what learners read (so nothing waits to be published)."""
    slug = f"our-matrix-{t.org.slug}"
    found = OwnModule.objects.filter(organisation=t.org, slug=slug).first()
    if found is not None:
        return found
    option = {"text": "Yes", "correct": True, "feedback": "Right."}
    draft = {
        "title": "Our own module",
        "summary": "About this organisation.",
        "audience": "everyone",
        "pass_mark": 80,
        "questions_per_attempt": 1,
        "lessons": [{"slug": "first", "title": "First", "minutes": 2, "markdown": "Read me."}],
        "questions": [
            {
                "id": "q1",
                "kind": "single",
                "prompt": "Is this ours?",
                "scenario": "",
                "options": [
                    {"id": "a", **option},
                    {"id": "b", "text": "No", "correct": False, "feedback": "It is."},
                ],
            }
        ],
        "next_question": 2,
    }
    own = OwnModule.objects.create(organisation=t.org, slug=slug, draft=draft, published_version=1)
    OwnModuleVersion.objects.create(
        module=own, version=1, content=as_files(draft, version=1, withdrawn=[])
    )
    return own


def own_module(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "module": _own_module(t).slug}


def own_lesson(t: Targets) -> dict[str, Any]:
    return {**own_module(t), "lesson": "first"}


def own_question(t: Targets) -> dict[str, Any]:
    return {**own_module(t), "question": "q1"}


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
    # The organisation's own modules: HR's to write. Their addresses carry the organisation's
    # own module's slug, which no other organisation has, so they are not tried crosswise
    # (learning/tests/test_own_module_pages.py tries another organisation's slug).
    "learning:own_modules": page(HR),
    "learning:own_module_new": page(HR),
    "learning:own_module": page(HR, kwargs=own_module),
    "learning:own_module_details": page(HR, kwargs=own_module),
    "learning:own_module_preview": page(HR, kwargs=own_module),
    "learning:own_lesson_new": page(HR, kwargs=own_module),
    "learning:own_lesson": page(HR, kwargs=own_lesson),
    "learning:own_question_new": page(HR, kwargs=own_module),
    "learning:own_question": page(HR, kwargs=own_question),
    # Unchanged since published: publishing writes nothing, moving the only lesson up neither.
    "learning:own_module_publish": _own(action(HR, own_module, {"version": "1"})),
    "learning:own_lesson_move": _own(action(HR, own_lesson, {"version": "1", "direction": "up"})),
    "learning:own_lesson_remove": _own(action(HR, own_lesson, {"version": "1"})),
    "learning:own_question_remove": _own(action(HR, own_question, {"version": "1"})),
    "learning:own_module_retire": _own(action(HR, own_module, {"version": "1"})),
    "learning:badge_image_own": Spec("GET", dict.fromkeys(EVERYONE, 200), own_module),
    # With no first step saved, the button is refused with a message and back to the page.
    "learning:reflection_to_plan": _own(action(MEMBERS, principle)),
}
