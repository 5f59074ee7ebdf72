"""An organisation's own modules: HR writes the draft (details, lessons, a question pool),
publishes it as a version learners read and are badged on, withdraws earlier versions when a
mistake is corrected, and takes it away; no other organisation ever sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from credentials.tests.helpers import payload_of
from learning.badges import badge_check_file
from learning.catalogue import catalogue, find_module, module_at, modules_named
from learning.content import Module, modules
from learning.models import Badge, OwnModule, OwnModuleVersion, QuizAttempt
from learning.own_modules import (
    Details,
    LessonDraft,
    OptionDraft,
    OwnModuleConflict,
    QuestionDraft,
    own_lesson_move,
    own_lesson_remove,
    own_lesson_save,
    own_module_create,
    own_module_details_save,
    own_module_publish,
    own_module_retire,
    own_question_remove,
    own_question_save,
)
from learning.services import attempt_start, attempt_submit
from organisations.models import Organisation
from shared.writes import RuleError

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]

TITLE = "Caring at Quorvath"
DETAILS = Details(
    title=TITLE,
    summary="Who to ask at Quorvath when work and caring clash.",
    audience="everyone",
    pass_mark=100,
    questions_per_attempt=2,
)
WHO = LessonDraft(
    title="Who to ask",
    minutes=3,
    markdown="## Your people team\n\nTalk to Zyxandra Plimbrook, or [read about carer's leave](product:carers-leave).",
)
WHAT = LessonDraft(
    title="What you can ask for",
    minutes=4,
    markdown="Ask for a change to your hours, or for a day of carer's leave.",
)


def option(text: str, *, correct: bool = False) -> OptionDraft:
    return OptionDraft(text=text, correct=correct, feedback=f"Because {text.lower()}.")


def question(prompt: str = "Who do you talk to first?", **kw: object) -> QuestionDraft:
    fields: dict[str, object] = {
        "kind": "single",
        "prompt": prompt,
        "scenario": "",
        "options": (option("Zyxandra Plimbrook", correct=True), option("Nobody")),
    }
    fields.update(kw)
    return QuestionDraft(**fields)  # type: ignore[arg-type]


def create(world, organisation=None, user=None, details=DETAILS) -> OwnModule:
    return own_module_create(
        organisation=organisation or world.org, user=user or world.hr_admin, details=details
    )


def add_lesson(world, own, lesson=WHO, user=None) -> str:
    return own_lesson_save(
        own=own,
        user=user or world.hr_admin,
        lesson_slug=None,
        lesson=lesson,
        expected_version=own.version,
    )


def add_question(world, own, draft=None, user=None) -> str:
    return own_question_save(
        own=own,
        user=user or world.hr_admin,
        question_id=None,
        question=draft or question(),
        expected_version=own.version,
    )


def publish(world, own, user=None, reason="") -> OwnModuleVersion | None:
    return own_module_publish(
        own=own, user=user or world.hr_admin, expected_version=own.version, withdraw_reason=reason
    )


def ready(world, organisation=None, user=None, details=DETAILS) -> OwnModule:
    """A draft with one lesson and as many questions as an attempt asks: ready to publish."""
    own = create(world, organisation, user, details)
    add_lesson(world, own, user=user)
    add_question(world, own, user=user)
    add_question(
        world,
        own,
        question(
            "Which of these can you ask for?",
            kind="multiple",
            options=(
                option("A change to your hours", correct=True),
                option("A day of carer's leave", correct=True),
                option("A pay rise"),
            ),
        ),
        user=user,
    )
    return own


def published(world, organisation=None, user=None, details=DETAILS) -> OwnModule:
    own = ready(world, organisation, user, details)
    assert publish(world, own, user=user) is not None
    return own


def found(world, own: OwnModule, **kw) -> Module:
    module = find_module(organisation_id=world.org.pk, slug=own.slug, **kw)
    assert module is not None
    return module


def writes() -> int:
    return AuditEvent.objects.exclude(action=Action.VIEW).count()


def refused(call, **kw) -> RuleError:
    with pytest.raises(RuleError) as caught:
        call(**kw)
    return caught.value


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def module_url(organisation: Organisation, slug: str) -> str:
    return reverse("learning:module", kwargs={"org_slug": organisation.slug, "module": slug})


# Creating ------------------------------------------------------------------------------------


def test_hr_creates_a_module_whose_address_comes_from_its_title(world):
    own = create(world)

    assert own.slug == "our-caring-at-quorvath"
    assert (own.organisation, own.version, own.published_version) == (world.org, 1, 0)
    assert own.draft["title"] == TITLE
    assert (own.draft["lessons"], own.draft["questions"]) == ([], [])
    event = AuditEvent.objects.get(object_type="learning.ownmodule", action=Action.CREATE)
    assert (event.object_id, event.organisation_id) == (str(own.pk), world.org.pk)
    assert event.actor == world.hr_admin
    assert TITLE in event.summary


def test_a_second_module_with_the_same_title_gets_its_own_address(world):
    first = create(world)
    second = create(world)

    assert second.slug == f"{first.slug}-2"
    assert create(world).slug == f"{first.slug}-3"


@pytest.mark.parametrize("persona", ["carer", "manager", "leaver", "outsider"])
def test_only_hr_in_post_can_create_a_module(world, persona):
    before = writes()

    with pytest.raises(PermissionDenied):
        create(world, user=getattr(world, persona))

    assert not OwnModule.objects.exists()
    assert writes() == before


def test_details_that_cannot_make_a_module_are_refused(world):
    blank = Details(
        title="  ", summary="x", audience="everyone", pass_mark=80, questions_per_attempt=1
    )
    error = refused(own_module_create, organisation=world.org, user=world.hr_admin, details=blank)
    assert (error.code, error.field) == ("title_missing", "title")
    no_mark = Details(
        title="x", summary="x", audience="everyone", pass_mark=0, questions_per_attempt=1
    )
    error = refused(own_module_create, organisation=world.org, user=world.hr_admin, details=no_mark)
    assert (error.code, error.field) == ("bad_pass_mark", "pass_mark")
    assert not OwnModule.objects.exists()


def test_an_unpublished_draft_is_not_offered_to_learners(world):
    own = ready(world)

    assert own.slug not in catalogue(organisation_id=world.org.pk)
    assert find_module(organisation_id=world.org.pk, slug=own.slug) is None
    assert find_module(organisation_id=world.org.pk, slug=own.slug, include_retired=True) is None
    assert signed_in(world.carer).get(module_url(world.org, own.slug)).status_code == 404


# Lessons -------------------------------------------------------------------------------------


def test_hr_adds_changes_moves_and_removes_lessons(world):
    own = create(world)

    who = add_lesson(world, own)
    what = add_lesson(world, own, WHAT)
    assert (who, what) == ("who-to-ask", "what-you-can-ask-for")
    assert [e["slug"] for e in own.draft["lessons"]] == [who, what]

    renamed = LessonDraft(title="Who to talk to", minutes=5, markdown=WHO.markdown)
    slug = own_lesson_save(
        own=own,
        user=world.hr_admin,
        lesson_slug=who,
        lesson=renamed,
        expected_version=own.version,
    )
    assert slug == who  # progress names lessons by it
    assert own.draft["lessons"][0] == {
        "slug": who,
        "title": "Who to talk to",
        "minutes": 5,
        "markdown": WHO.markdown,
    }

    assert own_lesson_move(
        own=own, user=world.hr_admin, lesson_slug=what, up=True, expected_version=own.version
    )
    assert [e["slug"] for e in own.draft["lessons"]] == [what, who]

    assert own_lesson_remove(
        own=own, user=world.hr_admin, lesson_slug=what, expected_version=own.version
    )
    own.refresh_from_db()
    assert [e["slug"] for e in own.draft["lessons"]] == [who]
    assert own.version == 6  # created, then five changes
    assert (
        AuditEvent.objects.filter(object_type="learning.ownmodule", action=Action.UPDATE).count()
        == 5
    )


def test_moving_the_top_lesson_up_changes_nothing(world):
    own = create(world)
    who = add_lesson(world, own)
    add_lesson(world, own, WHAT)
    version, before = own.version, writes()

    assert not own_lesson_move(
        own=own, user=world.hr_admin, lesson_slug=who, up=True, expected_version=own.version
    )

    own.refresh_from_db()
    assert own.version == version
    assert writes() == before


def test_a_second_lesson_with_the_same_title_gets_its_own_slug(world):
    own = create(world)

    assert add_lesson(world, own) == "who-to-ask"
    assert add_lesson(world, own) == "who-to-ask-2"


@pytest.mark.parametrize(
    "markdown",
    [
        "# Caring at Quorvath\n\nTalk to Zyxandra Plimbrook.",
        "Caring at Quorvath\n==================\n\nTalk to Zyxandra Plimbrook.",
        "Read [the policy](product:nope).",
        "   ",
    ],
    ids=["hash heading", "underlined heading", "broken product link", "blank"],
)
def test_lesson_text_that_breaks_the_lesson_rules_is_refused(world, markdown):
    own = create(world)
    before = writes()

    error = refused(
        own_lesson_save,
        own=own,
        user=world.hr_admin,
        lesson_slug=None,
        lesson=LessonDraft(title="Who to ask", minutes=3, markdown=markdown),
        expected_version=own.version,
    )

    assert error.field == "markdown"
    own.refresh_from_db()
    assert (own.version, own.draft["lessons"]) == (1, [])
    assert writes() == before


@pytest.mark.parametrize("minutes", [0, 10])
def test_a_lesson_takes_from_one_to_nine_minutes(world, minutes):
    own = create(world)

    error = refused(
        own_lesson_save,
        own=own,
        user=world.hr_admin,
        lesson_slug=None,
        lesson=LessonDraft(title="Who to ask", minutes=minutes, markdown=WHO.markdown),
        expected_version=own.version,
    )

    assert (error.code, error.field) == ("bad_minutes", "minutes")
    own.refresh_from_db()
    assert own.draft["lessons"] == []


def test_a_save_from_an_older_copy_of_the_page_is_refused_and_writes_nothing(world):
    own = create(world)
    opened = own.version
    who = add_lesson(world, own)  # someone else, in another tab
    draft, before = own.draft, writes()

    with pytest.raises(OwnModuleConflict) as caught:
        own_lesson_save(
            own=own,
            user=world.hr_admin,
            lesson_slug=who,
            lesson=WHAT,
            expected_version=opened,
        )

    assert caught.value.current_version == own.version
    stored = OwnModule.objects.get(pk=own.pk)
    assert (stored.version, stored.draft) == (own.version, draft)
    assert writes() == before
    with pytest.raises(OwnModuleConflict):
        own_lesson_remove(own=own, user=world.hr_admin, lesson_slug=who, expected_version=opened)


def test_saving_what_is_already_there_writes_nothing(world):
    own = create(world)
    who = add_lesson(world, own)
    version, before = own.version, writes()

    slug = own_lesson_save(
        own=own,
        user=world.hr_admin,
        lesson_slug=who,
        lesson=LessonDraft(title=" Who to ask ", minutes=3, markdown=WHO.markdown + "\r\n\r\n"),
        expected_version=own.version,
    )
    changed = own_module_details_save(
        own=own, user=world.hr_admin, details=DETAILS, expected_version=own.version
    )

    assert slug == who
    assert not changed
    own.refresh_from_db()
    assert own.version == version
    assert writes() == before


def test_only_hr_in_post_can_change_a_draft(world):
    own = create(world)

    for user in (world.carer, world.leaver, world.outsider):
        with pytest.raises(PermissionDenied):
            add_lesson(world, own, user=user)
    own.refresh_from_db()
    assert own.draft["lessons"] == []


# Questions -----------------------------------------------------------------------------------


def test_a_single_answer_question_needs_exactly_one_correct_answer(world):
    own = create(world)
    for options in (
        (option("Zyxandra Plimbrook", correct=True), option("Ixmeralda Quobb", correct=True)),
        (option("Zyxandra Plimbrook"), option("Nobody")),
    ):
        error = refused(
            own_question_save,
            own=own,
            user=world.hr_admin,
            question_id=None,
            question=question(options=options),
            expected_version=own.version,
        )
        assert (error.code, error.field) == ("bad_question", None)
        assert "exactly one" in error.message
    own.refresh_from_db()
    assert own.draft["questions"] == []


def test_a_multiple_answer_question_needs_at_least_one_correct_answer(world):
    own = create(world)
    none_right = question(kind="multiple", options=(option("Zyxandra Plimbrook"), option("Nobody")))
    error = refused(
        own_question_save,
        own=own,
        user=world.hr_admin,
        question_id=None,
        question=none_right,
        expected_version=own.version,
    )
    assert "at least one" in error.message

    two_right = question(
        kind="multiple",
        options=(option("HR", correct=True), option("Your manager", correct=True), option("No")),
    )
    add_question(world, own, two_right)
    assert [o["correct"] for o in own.draft["questions"][0]["options"]] == [True, True, False]


def test_a_question_needs_at_least_two_answers(world):
    own = create(world)
    blank = OptionDraft(text="", correct=False, feedback="")

    error = refused(
        own_question_save,
        own=own,
        user=world.hr_admin,
        question_id=None,
        question=question(options=(option("Zyxandra Plimbrook", correct=True), blank, blank)),
        expected_version=own.version,
    )

    assert "at least two" in error.message
    own.refresh_from_db()
    assert own.draft["questions"] == []


def test_an_answer_without_feedback_is_refused_beside_its_feedback_box(world):
    own = create(world)
    silent = OptionDraft(text="Nobody", correct=False, feedback="  ")

    error = refused(
        own_question_save,
        own=own,
        user=world.hr_admin,
        question_id=None,
        question=question(options=(option("Zyxandra Plimbrook", correct=True), silent)),
        expected_version=own.version,
    )

    assert (error.code, error.field) == ("bad_question", "option_2_feedback")


def test_blank_answer_rows_are_dropped_and_the_rest_lettered_in_order(world):
    own = create(world)
    blank = OptionDraft(text=" ", correct=False, feedback="")
    options = (blank, option("HR", correct=True), blank, option("Nobody"), option("Your GP"))

    add_question(world, own, question(options=options))

    stored = own.draft["questions"][0]["options"]
    assert [(o["id"], o["text"], o["correct"]) for o in stored] == [
        ("a", "HR", True),
        ("b", "Nobody", False),
        ("c", "Your GP", False),
    ]
    assert stored[0]["feedback"] == "Because hr."


def test_question_ids_are_never_used_again(world):
    own = create(world)

    first = add_question(world, own)
    second = add_question(world, own, question("Where is the policy?"))
    assert (first, second) == ("q1", "q2")
    assert own_question_remove(
        own=own, user=world.hr_admin, question_id=second, expected_version=own.version
    )
    third = add_question(world, own, question("When can you ask?"))

    assert third == "q3"  # attempts name questions by id: q2 stays the removed one's
    assert [q["id"] for q in own.draft["questions"]] == ["q1", "q3"]


def test_changing_a_question_keeps_its_id(world):
    own = create(world)
    first = add_question(world, own)

    saved = own_question_save(
        own=own,
        user=world.hr_admin,
        question_id=first,
        question=question("Who do you talk to at Quorvath?", scenario="Your dad has had a fall."),
        expected_version=own.version,
    )

    assert saved == first
    [stored] = own.draft["questions"]
    assert (stored["id"], stored["prompt"], stored["scenario"]) == (
        "q1",
        "Who do you talk to at Quorvath?",
        "Your dad has had a fall.",
    )


# Publishing ----------------------------------------------------------------------------------


def test_a_module_without_lessons_cannot_be_published(world):
    own = create(world)
    add_question(world, own)
    add_question(world, own)

    error = refused(publish, world=world, own=own)

    assert error.code == "not_ready"
    assert "lesson" in error.message
    assert not OwnModuleVersion.objects.exists()


def test_a_module_with_fewer_questions_than_an_attempt_asks_cannot_be_published(world):
    own = create(world)
    add_lesson(world, own)
    add_question(world, own)  # an attempt asks two

    error = refused(publish, world=world, own=own)

    assert error.code == "not_ready"
    own.refresh_from_db()
    assert own.published_version == 0
    assert own.slug not in catalogue(organisation_id=world.org.pk)


def test_a_published_module_is_offered_to_learners_as_drafted(world):
    own = ready(world)

    version = publish(world, own)

    assert version is not None
    assert (version.version, version.published_by) == (1, world.hr_admin)
    listed = catalogue(organisation_id=world.org.pk)
    assert list(listed)[: len(modules())] == list(modules())  # the shipped ones first
    module = listed[own.slug]
    assert module == found(world, own)
    assert module.own
    assert (module.organisation_id, module.version, module.title) == (world.org.pk, 1, TITLE)
    assert (module.pass_mark, module.questions_per_attempt) == (100, 2)
    assert [(ls.slug, ls.title, ls.minutes, ls.markdown) for ls in module.lessons] == [
        ("who-to-ask", WHO.title, WHO.minutes, WHO.markdown)
    ]
    assert [(q.id, q.kind) for q in module.questions] == [("q1", "single"), ("q2", "multiple")]
    assert module.question("q2").correct_ids == {"a", "b"}  # type: ignore[union-attr]
    assert module.withdrawn == {}
    page = signed_in(world.carer).get(module_url(world.org, own.slug))
    assert page.status_code == 200
    assert TITLE in page.content.decode()


def test_publishing_an_unchanged_draft_makes_no_new_version(world):
    own = published(world)
    before = writes()

    assert publish(world, own) is None

    assert OwnModuleVersion.objects.filter(module=own).count() == 1
    assert found(world, own).version == 1
    assert writes() == before


def test_a_changed_draft_publishes_as_the_next_version_and_the_first_is_kept(world):
    own = published(world)
    v1 = found(world, own)
    corrected = LessonDraft(title=WHO.title, minutes=WHO.minutes, markdown="## Ask HR\n\nAny day.")
    own_lesson_save(
        own=own,
        user=world.hr_admin,
        lesson_slug="who-to-ask",
        lesson=corrected,
        expected_version=own.version,
    )
    # A changed draft is not what learners read until it is published.
    assert found(world, own).lessons[0].markdown == WHO.markdown

    version = publish(world, own)

    assert version is not None
    assert version.version == 2
    now = catalogue(organisation_id=world.org.pk)[own.slug]
    assert now.version == 2
    assert now.lessons[0].markdown == "## Ask HR\n\nAny day."
    then = module_at(now, version=1)
    assert then.version == 1
    assert then.lessons == v1.lessons
    assert then.questions == v1.questions
    assert module_at(now, version=2) is now


def test_publishing_with_a_reason_withdraws_the_earlier_versions(world):
    own = published(world)
    add_lesson(world, own, WHAT)

    version = publish(world, own, reason="  It named the  wrong person. ")

    assert version is not None
    module = found(world, own)
    assert module.version == 2
    assert module.withdrawn_reason(1) == "It named the wrong person."
    assert module.withdrawn_reason(2) is None
    # The version as it was also reads as withdrawn: the withdrawals are the current version's.
    assert module_at(module, version=1).withdrawn_reason(1) == "It named the wrong person."
    event = AuditEvent.objects.filter(object_type="learning.ownmodule").first()
    assert event is not None
    assert "withdrew the earlier versions" in event.summary


def test_a_later_withdrawal_keeps_the_reasons_of_earlier_ones(world):
    own = published(world)
    add_lesson(world, own, WHAT)
    publish(world, own, reason="It named the wrong person.")
    own_lesson_remove(
        own=own,
        user=world.hr_admin,
        lesson_slug="what-you-can-ask-for",
        expected_version=own.version,
    )

    publish(world, own, reason="It promised too much leave.")

    module = found(world, own)
    assert module.version == 3
    assert module.withdrawn == {1: "It named the wrong person.", 2: "It promised too much leave."}


def test_withdrawing_without_a_correction_is_refused(world):
    own = published(world)
    before = writes()

    error = refused(publish, world=world, own=own, reason="It named the wrong person.")

    assert (error.code, error.field) == ("nothing_to_correct", "reason")
    assert OwnModuleVersion.objects.filter(module=own).count() == 1
    assert found(world, own).withdrawn == {}
    assert writes() == before


@pytest.mark.parametrize("persona", ["carer", "manager", "leaver"])
def test_only_hr_in_post_can_publish(world, persona):
    own = ready(world)

    with pytest.raises(PermissionDenied):
        publish(world, own, user=getattr(world, persona))

    assert not OwnModuleVersion.objects.exists()


# Learners and badges -------------------------------------------------------------------------


def right_answers(module: Module, attempt: QuizAttempt) -> dict[str, list[str]]:
    return {q: sorted(module.question(q).correct_ids) for q in attempt.questions}  # type: ignore[union-attr]


def pass_quiz(world, module: Module) -> QuizAttempt:
    attempt = attempt_start(organisation=world.org, user=world.carer, module=module)
    return attempt_submit(
        attempt=attempt, module=module, answers=right_answers(module, attempt), by=world.carer
    )


def test_a_learner_who_passes_an_own_module_earns_its_badge(world):
    own = published(world)
    module = found(world, own)

    attempt = pass_quiz(world, module)

    assert attempt.passed
    assert sorted(attempt.questions) == ["q1", "q2"]
    badge = Badge.objects.get(user=world.carer)
    assert (badge.module, badge.module_version, badge.organisation) == (own.slug, 1, world.org)
    payload = payload_of(badge.token)
    assert payload["name"] == TITLE
    assert payload["credentialSubject"]["achievement"]["name"] == TITLE
    check = badge_check_file(badge.token)
    assert check.valid


def test_a_badge_stops_being_valid_when_its_version_is_withdrawn(world):
    own = published(world)
    pass_quiz(world, found(world, own))
    badge = Badge.objects.get(user=world.carer)
    add_lesson(world, own, WHAT)

    publish(world, own, reason="It named the wrong person.")

    check = badge_check_file(badge.token)
    assert not check.valid
    assert check.withdrawn == "It named the wrong person."
    assert check.message == "This badge has been withdrawn: It named the wrong person."


def test_a_badge_on_a_retired_module_is_still_checked(world):
    own = published(world)
    pass_quiz(world, found(world, own))
    badge = Badge.objects.get(user=world.carer)

    own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)

    assert badge_check_file(badge.token).valid


# Other organisations -------------------------------------------------------------------------


def test_another_organisations_module_is_never_found_here(world):
    theirs = published(world, organisation=world.other_org, user=world.outsider)

    assert theirs.slug in catalogue(organisation_id=world.other_org.pk)
    assert theirs.slug not in catalogue(organisation_id=world.org.pk)
    assert find_module(organisation_id=world.org.pk, slug=theirs.slug) is None
    assert find_module(organisation_id=world.org.pk, slug=theirs.slug, include_retired=True) is None
    assert find_module(organisation_id=None, slug=theirs.slug) is None
    assert signed_in(world.carer).get(module_url(world.org, theirs.slug)).status_code == 404


def test_two_organisations_own_modules_with_one_title_stay_apart(world):
    theirs = create(world, organisation=world.other_org, user=world.outsider)
    add_lesson(
        world,
        theirs,
        LessonDraft(title=WHO.title, minutes=2, markdown="Talk to Ixmeralda Quobb."),
        user=world.outsider,
    )
    add_question(world, theirs, user=world.outsider)
    add_question(world, theirs, user=world.outsider)
    publish(world, theirs, user=world.outsider)
    mine = published(world)

    assert mine.slug == theirs.slug  # addresses are per organisation
    module = found(world, mine)
    assert module.organisation_id == world.org.pk
    assert module.lessons[0].markdown == WHO.markdown
    page = signed_in(world.carer).get(module_url(world.org, mine.slug)).content.decode()
    assert "Ixmeralda Quobb" not in page


def test_hr_of_another_organisation_cannot_change_this_ones_module(world):
    own = published(world)

    with pytest.raises(PermissionDenied):
        own_module_retire(own=own, user=world.outsider, expected_version=own.version)
    with pytest.raises(PermissionDenied):
        add_lesson(world, own, WHAT, user=world.outsider)

    assert own.slug in catalogue(organisation_id=world.org.pk)


# Retiring ------------------------------------------------------------------------------------


def test_retiring_a_draft_never_published_deletes_it(world):
    own = ready(world)

    assert own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)

    assert not OwnModule.objects.exists()
    event = AuditEvent.objects.get(object_type="learning.ownmodule", action=Action.DELETE)
    assert event.object_id == str(own.pk)


def test_a_retired_module_is_hidden_from_learners_and_kept_for_its_badges(world):
    own = published(world)

    assert not own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)

    assert OwnModule.objects.filter(pk=own.pk).exists()
    assert own.slug not in catalogue(organisation_id=world.org.pk)
    assert find_module(organisation_id=world.org.pk, slug=own.slug) is None
    assert found(world, own, include_retired=True).version == 1
    assert signed_in(world.carer).get(module_url(world.org, own.slug)).status_code == 404


def test_publishing_a_retired_module_again_brings_it_back(world):
    own = published(world)
    own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)

    assert publish(world, own) is None

    own.refresh_from_db()
    assert own.retired_at is None
    assert catalogue(organisation_id=world.org.pk)[own.slug].version == 1
    assert OwnModuleVersion.objects.filter(module=own).count() == 1


def test_retiring_twice_changes_nothing_the_second_time(world):
    own = published(world)
    own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)
    own.refresh_from_db()
    retired_at, before = own.retired_at, writes()

    assert not own_module_retire(own=own, user=world.hr_admin, expected_version=own.version)

    own.refresh_from_db()
    assert own.retired_at == retired_at
    assert writes() == before


# Many badges' modules at once ----------------------------------------------------------------


def test_modules_named_finds_own_and_shipped_modules(world):
    own = published(world)
    retired = published(world)
    own_module_retire(own=retired, user=world.hr_admin, expected_version=retired.version)
    theirs = published(world, organisation=world.other_org, user=world.outsider)
    shipped = next(iter(modules()))

    named = modules_named(
        [
            (world.org.pk, own.slug),
            (world.org.pk, retired.slug),
            (world.other_org.pk, theirs.slug),
            (world.org.pk, shipped),
        ]
    )

    assert named[world.org.pk, own.slug] == found(world, own)
    assert named[world.org.pk, retired.slug] == found(world, retired, include_retired=True)
    mine_there = named[world.other_org.pk, theirs.slug]
    assert mine_there is not None
    assert mine_there.organisation_id == world.other_org.pk
    assert named[world.org.pk, shipped] is modules()[shipped]


def test_modules_named_takes_one_query_however_many_own_modules(world, django_assert_num_queries):
    owns = [published(world) for _ in range(5)]
    shipped = list(modules())
    one = [(world.org.pk, owns[0].slug), (world.org.pk, shipped[0])]
    five = [(world.org.pk, own.slug) for own in owns] + [(world.org.pk, s) for s in shipped]

    with django_assert_num_queries(1):
        assert len(modules_named(one)) == 2
    with django_assert_num_queries(1):
        named = modules_named(five)
    assert {slug for _, slug in named} == {own.slug for own in owns} | set(shipped)
    with django_assert_num_queries(0):
        modules_named([(world.org.pk, slug) for slug in shipped])


# Limits the schemas set -----------------------------------------------------------------------


def test_a_title_longer_than_the_schema_allows_is_refused_when_created(world):
    long = Details(
        title="Caring " * 20,
        summary="x",
        audience="everyone",
        pass_mark=80,
        questions_per_attempt=1,
    )

    error = refused(own_module_create, organisation=world.org, user=world.hr_admin, details=long)

    assert error.field == "title"


def test_a_lesson_title_longer_than_the_schema_allows_is_refused(world):
    own = create(world)

    error = refused(
        own_lesson_save,
        own=own,
        user=world.hr_admin,
        lesson_slug=None,
        lesson=LessonDraft(title="Who " * 30, minutes=3, markdown=WHO.markdown),
        expected_version=own.version,
    )

    assert error.field == "title"


def test_a_question_longer_than_its_limit_is_refused(world):
    own = create(world)

    error = refused(
        own_question_save,
        own=own,
        user=world.hr_admin,
        question_id=None,
        question=question("Who? " * 100),
        expected_version=own.version,
    )

    assert error.field == "prompt"


def test_modules_named_answers_none_for_an_own_module_it_does_not_know(world):
    named = modules_named([(world.org.pk, "our-nothing-here"), (world.org.pk, "no-such-module")])

    assert named == {
        (world.org.pk, "our-nothing-here"): None,
        (world.org.pk, "no-such-module"): None,
    }
