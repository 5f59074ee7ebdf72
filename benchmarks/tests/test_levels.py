"""The levels rule (benchmarks/levels.py), table by table, for every shipped framework."""

from __future__ import annotations

import pytest

from benchmarks.frameworks import Framework
from benchmarks.levels import (
    MET,
    NOT_MET,
    PARTLY,
    assess,
    checklist_progress,
    criterion_level,
    missing_up_to,
    overall_level,
)
from benchmarks.tests.helpers import shipped

LEVELS = ("engaged", "established", "exemplary")
REQUIREMENTS = (
    ("a1", "engaged"),
    ("a2", "engaged"),
    ("b1", "established"),
    ("b2", "established"),
    ("b3", "established"),
    ("c1", "exemplary"),
)


@pytest.mark.parametrize(
    ("answers", "level", "next_level", "missing", "progress"),
    [
        # Unanswered counts as not met.
        ({}, None, "engaged", ("a1", "a2"), "0 of 2 met"),
        ({"a1": MET}, None, "engaged", ("a2",), "1 of 2 met"),
        # Partly is progress, not a pass.
        ({"a1": MET, "a2": PARTLY}, None, "engaged", ("a2",), "1 of 2 met, 1 partly"),
        ({"a1": MET, "a2": MET}, "engaged", "established", ("b1", "b2", "b3"), "0 of 3 met"),
        (
            {"a1": MET, "a2": MET, "b1": MET, "b2": MET, "b3": PARTLY},
            "engaged",
            "established",
            ("b3",),
            "2 of 3 met, 1 partly",
        ),
        # A higher level met does not count while a lower one is not.
        (
            {"a1": MET, "a2": NOT_MET, "b1": MET, "b2": MET, "b3": MET},
            None,
            "engaged",
            ("a2",),
            "1 of 2 met",
        ),
        (
            {"a1": MET, "a2": MET, "b1": MET, "b2": MET, "b3": MET},
            "established",
            "exemplary",
            ("c1",),
            "0 of 1 met",
        ),
        (
            {"a1": MET, "a2": MET, "b1": MET, "b2": MET, "b3": MET, "c1": MET},
            "exemplary",
            None,
            (),
            None,
        ),
        # Exemplary met alone is nothing.
        ({"c1": MET}, None, "engaged", ("a1", "a2"), "0 of 2 met"),
        # Unknown answers are not met.
        ({"a1": "yes", "a2": MET}, None, "engaged", ("a1",), "1 of 2 met"),
    ],
)
def test_criterion_reaches_the_highest_level_with_every_lower_level_met(
    answers, level, next_level, missing, progress
):
    result = criterion_level(levels=LEVELS, requirements=REQUIREMENTS, answers=answers)
    assert result.level == level
    assert result.next_level == next_level
    assert result.missing == missing
    assert (result.progress.describe() if result.progress else None) == progress


@pytest.mark.parametrize(
    ("criterion_levels", "overall"),
    [
        (["exemplary", "established", "exemplary"], "established"),
        (["exemplary", "exemplary"], "exemplary"),
        (["engaged", None, "exemplary"], None),
        ([], None),
    ],
)
def test_overall_level_is_the_lowest_criterion_level(criterion_levels, overall):
    assert overall_level(levels=LEVELS, criterion_levels=criterion_levels) == overall


def test_missing_up_to_a_target_includes_lower_levels_not_reached():
    answers = {"a1": MET, "b1": PARTLY, "b2": MET}
    assert missing_up_to(
        levels=LEVELS, target="established", requirements=REQUIREMENTS, answers=answers
    ) == ("a2", "b1", "b3")
    assert missing_up_to(
        levels=LEVELS, target="engaged", requirements=REQUIREMENTS, answers=answers
    ) == ("a2",)


def test_checklist_counts_done_items_and_lists_the_rest():
    result = checklist_progress(items=["x", "y", "z"], answers={"x": MET, "y": PARTLY})
    assert (result.done, result.partly, result.total) == (1, 1, 3)
    assert result.missing == ("y", "z")
    assert result.describe() == "1 of 3 met, 1 partly"


def _answers(framework: Framework, up_to: str | None, **overrides: str) -> dict[str, str]:
    """Every requirement at ``up_to`` or below met, then ``overrides`` applied."""
    keys = framework.level_keys
    allowed = set(keys[: keys.index(up_to) + 1]) if up_to else set()
    answers = {r.key: MET for _c, r in framework.requirements() if r.level in allowed}
    answers.update({key.replace("_", "-"): value for key, value in overrides.items()})
    return answers


CARER_POSITIVE = [
    # (answers at, overrides, overall, next level, identification level, identification missing)
    (None, {}, None, "engaged", None, ("identification-definition", "identification-route")),
    (
        None,
        {"identification_definition": MET, "identification_route": PARTLY},
        None,
        "engaged",
        None,
        ("identification-route",),
    ),
    (
        "engaged",
        {},
        "engaged",
        "established",
        "engaged",
        ("identification-comfortable", "identification-moments"),
    ),
    # One criterion held back at Engaged holds the whole award at Engaged.
    (
        "established",
        {"peer_network": PARTLY},
        "engaged",
        "established",
        "established",
        ("identification-reviewed", "identification-reach"),
    ),
    (
        "established",
        {},
        "established",
        "exemplary",
        "established",
        ("identification-reviewed", "identification-reach"),
    ),
    ("exemplary", {}, "exemplary", None, "exemplary", ()),
    # Exemplary everywhere but one Engaged requirement not met: nothing is awarded.
    ("exemplary", {"policy_statutory": NOT_MET}, None, "engaged", "exemplary", ()),
]


@pytest.mark.parametrize(
    ("up_to", "overrides", "overall", "next_level", "ident_level", "ident_missing"), CARER_POSITIVE
)
def test_carer_positive_levels(up_to, overrides, overall, next_level, ident_level, ident_missing):
    framework = shipped("carer-positive")
    result = assess(framework, _answers(framework, up_to, **overrides))
    assert result.overall == overall
    assert result.next_level == next_level
    found = result.for_criterion("identification")
    assert found is not None
    identification = found.result
    assert identification.level == ident_level
    assert identification.missing == ident_missing
    assert [c.criterion.key for c in result.criteria] == [
        "identification",
        "policy",
        "workplace-support",
        "communication",
        "peer-support",
    ]


CARER_CONFIDENT = [
    (None, {}, None, "active"),
    (None, {"practice_support": MET, "preparation_commitment": MET}, None, "active"),
    ("active", {}, "active", "accomplished"),
    ("accomplished", {"promoting_organisation": PARTLY}, "active", "accomplished"),
    ("accomplished", {}, "accomplished", "ambassador"),
    ("ambassador", {"practice_creative": PARTLY}, "accomplished", "ambassador"),
    ("ambassador", {}, "ambassador", None),
]


@pytest.mark.parametrize(("up_to", "overrides", "overall", "next_level"), CARER_CONFIDENT)
def test_carer_confident_levels(up_to, overrides, overall, next_level):
    framework = shipped("carer-confident")
    result = assess(framework, _answers(framework, up_to, **overrides))
    assert (result.overall, result.next_level) == (overall, next_level)
    assert [level.name for level in framework.levels] == ["Active", "Accomplished", "Ambassador"]
    assert [c.title for c in framework.criteria] == [
        "Preparation",
        "Policy and guidance",
        "Practice",
        "Peer support",
        "Promoting support",
    ]


def test_carer_confident_partly_met_criterion_reports_exactly_what_is_missing():
    framework = shipped("carer-confident")
    answers = _answers(framework, "active", practice_range=MET, practice_comfortable=PARTLY)
    found = assess(framework, answers).for_criterion("practice")
    assert found is not None
    practice = found.result
    assert practice.level == "active"
    assert practice.next_level == "accomplished"
    assert practice.missing == ("practice-comfortable",)
    assert practice.progress is not None
    assert practice.progress.describe() == "1 of 2 met, 1 partly"


EFC = [
    ({}, 0, 0, None, "done"),
    ({"efc-commitment": MET, "efc-passport": PARTLY}, 1, 1, None, "done"),
    ({key: MET for key in ("efc-commitment", "efc-membership")}, 2, 0, None, "done"),
]


@pytest.mark.parametrize(("answers", "done", "partly", "overall", "next_level"), EFC)
def test_employers_for_carers_checklist(answers, done, partly, overall, next_level):
    framework = shipped("efc-action-list")
    result = assess(framework, answers)
    assert result.checklist is not None
    assert result.checklist.total == 9
    assert (result.checklist.done, result.checklist.partly) == (done, partly)
    assert len(result.checklist.missing) == 9 - done
    assert (result.overall, result.next_level) == (overall, next_level)


def test_employers_for_carers_checklist_all_done():
    framework = shipped("efc-action-list")
    result = assess(framework, {r.key: MET for _c, r in framework.requirements()})
    assert result.checklist is not None
    assert result.checklist.missing == ()
    assert result.checklist.describe() == "9 of 9 met"
    assert result.overall == "done"
    assert result.next_level is None
    leadership = result.for_criterion("leadership")
    assert leadership is not None
    assert leadership.checklist is not None
    assert leadership.checklist.done == 2
