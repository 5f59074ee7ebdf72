"""Gaps for an action plan: one per unmet requirement up to the target level, linked to its criterion."""

from __future__ import annotations

import pytest

from benchmarks.gaps import default_target, gaps_for
from benchmarks.levels import MET, PARTLY, assess
from benchmarks.tests.helpers import shipped
from plans.gaps import Gap


def test_one_gap_per_unmet_requirement_up_to_the_target_level():
    framework = shipped("carer-positive")
    answers = {r.key: MET for _c, r in framework.requirements() if r.level == "engaged"}
    answers["identification-comfortable"] = MET
    answers["policy-involved"] = PARTLY  # partly met is still a gap
    gaps = gaps_for(framework=framework, answers=answers, target="established", assessment_id=7)
    established = [r for _c, r in framework.requirements() if r.level == "established"]
    assert len(gaps) == len(established) - 1
    assert gaps[0] == Gap(
        criterion_ref="carer-positive:identification",
        criterion_title="Identification of carers",
        requirement_ref="carer-positive:identification:identification-moments",
        requirement_text=(
            "Caring is raised at key moments such as induction, one-to-ones, appraisal and "
            "return to work."
        ),
        level_name="Established",
        assessment_id=7,
    )
    assert "carer-positive:policy:policy-involved" in {g.requirement_ref for g in gaps}
    assert all(g.level_name == "Established" for g in gaps)


def test_a_higher_target_takes_in_lower_levels_not_yet_reached():
    framework = shipped("carer-positive")
    gaps = gaps_for(framework=framework, answers={}, target="established")
    assert len(gaps) == sum(1 for _c, r in framework.requirements() if r.level != "exemplary")
    assert {g.level_name for g in gaps} == {"Engaged", "Established"}
    # Criterion by criterion, in the framework's order.
    refs = [g.criterion_ref.split(":")[1] for g in gaps]
    assert refs == sorted(refs, key=[c.key for c in framework.criteria].index)


def test_default_target_is_the_level_above_where_the_organisation_is():
    framework = shipped("carer-confident")
    answers = {r.key: MET for _c, r in framework.requirements() if r.level == "active"}
    result = assess(framework, answers)
    assert default_target(result) == "accomplished"
    everything = {r.key: MET for _c, r in framework.requirements()}
    assert default_target(assess(framework, everything)) is None


def test_a_checklist_plans_every_item_not_done():
    framework = shipped("efc-action-list")
    answers = {"efc-commitment": MET, "efc-network": PARTLY}
    result = assess(framework, answers)
    assert default_target(result) == "done"
    gaps = gaps_for(framework=framework, answers=answers, target="done")
    assert len(gaps) == 8
    assert gaps[0].criterion_ref == "efc-action-list:leadership"
    assert gaps[0].requirement_text == "Join Employers for Carers."


def test_an_unknown_target_is_refused():
    with pytest.raises(ValueError, match="not a level"):
        gaps_for(framework=shipped("carer-positive"), answers={}, target="gold")
