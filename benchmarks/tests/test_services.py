"""Starting, answering, evidence, sign-off, new versions and comparison (benchmarks/services.py)."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import AuditEvent
from benchmarks.frameworks import SHIPPED_DIR
from benchmarks.levels import MET, NOT_MET, PARTLY
from benchmarks.models import (
    Assessment,
    AssessmentStatus,
    CriterionEvidence,
    EvidenceFile,
    MeasurementSnapshot,
    RequirementAnswer,
)
from benchmarks.selectors import (
    assessment_view,
    compare,
    framework_of,
    latest_framework_plan,
)
from benchmarks.services import (
    AnswerInput,
    AssessmentChanged,
    AssessmentError,
    CriterionConflict,
    assessment_delete,
    assessment_sign_off,
    assessment_start,
    criterion_save,
    evidence_remove,
    gaps_to_plan,
    write_refusal,
)
from benchmarks.tests import files
from benchmarks.tests.helpers import meet, shipped, signed_off, started, uploaded, version_of
from plans.public import PlanMadeMeanwhile, PlanSummary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def events(assessment):
    return list(
        AuditEvent.objects.filter(object_type="benchmarks.assessment", object_id=str(assessment.pk))
        .order_by("at", "id")
        .values_list("action", "summary")
    )


def test_hr_starts_a_numbered_draft_and_it_is_audited(world):
    assessment = started(world)
    assert (assessment.number, assessment.status) == (1, AssessmentStatus.DRAFT)
    assert assessment.framework_data["slug"] == "carer-positive"
    assert len(assessment.framework_hash) == 64
    assert events(assessment) == [("create", "Started Carer Positive self-assessment version 1")]


def test_only_one_draft_per_framework_at_a_time(world):
    started(world)
    with pytest.raises(AssessmentError) as error:
        started(world)
    assert error.value.code == "draft_exists"
    assert started(world, "carer-confident").number == 1


@pytest.mark.parametrize("persona", ["champion", "sponsor", "carer", "outsider"])
def test_only_hr_and_organisation_admins_run_assessments(world, persona):
    with pytest.raises(PermissionDenied):
        assessment_start(
            organisation=world.org, framework_slug="carer-positive", by=getattr(world, persona)
        )


def test_an_unknown_framework_is_refused(world):
    with pytest.raises(AssessmentError, match="Choose a framework"):
        started(world, "gold-standard")


def test_saving_a_criterion_records_answers_text_links_and_moves_the_version_on(world):
    assessment = started(world)
    evidence = criterion_save(
        assessment=assessment,
        criterion_key="identification",
        answers={
            "identification-definition": AnswerInput(MET, "In the carers policy, page 2."),
            "identification-route": AnswerInput(PARTLY),
        },
        narrative="Staff can say they are carers from the hub.",
        links=[{"url": "https://intranet.example.org/carers", "title": "Intranet page"}],
        expected_version=0,
        by=world.hr_admin,
    )
    assert evidence.version == 1
    assert evidence.updated_by_name
    answers = {a.requirement_key: (a.status, a.notes) for a in RequirementAnswer.objects.all()}
    assert answers == {
        "identification-definition": ("met", "In the carers policy, page 2."),
        "identification-route": ("partly", ""),
    }
    view = assessment_view(assessment, today=timezone.localdate())
    found = view.result.for_criterion("identification")
    assert found is not None
    identification = found.result
    assert identification.level is None
    assert identification.missing == ("identification-route",)
    assert events(assessment)[-1] == (
        "update",
        "Updated “Identification of carers” in self-assessment version 1",
    )


def test_saving_nothing_new_changes_nothing(world):
    assessment = started(world)
    answers = {"policy-recognised": AnswerInput(MET)}
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers=answers,
        expected_version=0,
        by=world.hr_admin,
    )
    again = criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers=answers,
        expected_version=1,
        by=world.hr_admin,
    )
    assert again.version == 1
    assert len(events(assessment)) == 2


def test_a_stale_version_is_refused_and_nothing_is_saved(world):
    assessment = started(world)
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput(MET)},
        expected_version=0,
        by=world.org_admin,
    )
    with pytest.raises(CriterionConflict) as conflict:
        criterion_save(
            assessment=assessment,
            criterion_key="policy",
            answers={"policy-recognised": AnswerInput(NOT_MET)},
            narrative="Mine",
            expected_version=0,
            by=world.hr_admin,
        )
    assert conflict.value.current_version == 1
    assert RequirementAnswer.objects.get().status == MET
    assert CriterionEvidence.objects.get().narrative == ""


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"answers": {"peer-network": AnswerInput(MET)}}, "answers"),
        ({"answers": {"policy-recognised": AnswerInput("yes")}}, "answers"),
        ({"links": [{"url": "javascript:alert(1)"}]}, "links"),
        ({"links": [{"url": "intranet/carers"}]}, "links"),
        ({"links": [{"url": f"https://example.org/{n}"} for n in range(21)]}, "links"),
        ({"narrative": "x" * 10001}, "narrative"),
    ],
)
def test_bad_answers_and_links_are_refused(world, kwargs, field):
    assessment = started(world)
    with pytest.raises(ValidationError) as error:
        criterion_save(
            assessment=assessment,
            criterion_key="policy",
            expected_version=0,
            by=world.hr_admin,
            **kwargs,
        )
    assert field in error.value.message_dict


def test_upload_is_stored_under_a_random_name_with_its_sniffed_type(world):
    assessment = started(world)
    item = uploaded(world, assessment, name="../Carers <policy>.pdf")
    assert item.stored_name.startswith("benchmarks/evidence/")
    assert "policy" not in item.stored_name
    assert item.label == "Carers policy"
    assert (item.content_type, item.extension) == ("application/pdf", "pdf")
    assert default_storage.exists(item.stored_name)
    assert events(assessment)[-1][1] == f"Uploaded evidence file {item.pk} to “Policy”"


def test_removing_a_file_deletes_it_once_the_change_is_committed(
    world, django_capture_on_commit_callbacks
):
    assessment = started(world)
    item = uploaded(world, assessment)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(item=item, by=world.hr_admin)
    assert not EvidenceFile.objects.exists()
    assert not default_storage.exists(item.stored_name)


def test_sign_off_fixes_the_level_the_framework_and_the_live_evidence(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    uploaded(world, assessment)
    done = assessment_sign_off(
        assessment=assessment, by=world.hr_admin, today=timezone.localdate(), role="HR Director"
    )
    assert done.status == AssessmentStatus.SIGNED_OFF
    assert done.overall_level == "engaged"
    assert (done.signed_off_by, done.signed_off_role) == (world.hr_admin, "HR Director")
    snapshots = {s.name: s for s in MeasurementSnapshot.objects.filter(assessment=done)}
    assert set(snapshots) == set(framework_of(done).measures())
    assert snapshots["carers_policy_uploaded"].value is True
    assert snapshots["carers_policy_uploaded"].measured_on == timezone.localdate()
    assert events(done)[-1] == ("update", "Signed off Carer Positive self-assessment version 1")


@pytest.mark.parametrize("write", ["save", "upload", "remove", "sign_off", "delete"])
def test_a_signed_off_assessment_cannot_be_changed(world, write):
    assessment = started(world)
    item = uploaded(world, assessment)
    assessment_sign_off(assessment=assessment, by=world.hr_admin, today=timezone.localdate())
    actions = {
        "save": lambda: criterion_save(
            assessment=assessment,
            criterion_key="policy",
            narrative="Later",
            expected_version=None,
            by=world.hr_admin,
        ),
        "upload": lambda: uploaded(world, assessment),
        "remove": lambda: evidence_remove(item=item, by=world.hr_admin),
        "sign_off": lambda: assessment_sign_off(
            assessment=assessment, by=world.hr_admin, today=timezone.localdate()
        ),
        "delete": lambda: assessment_delete(assessment=assessment, by=world.hr_admin),
    }
    with pytest.raises(AssessmentError) as error:
        actions[write]()
    assert error.value.code == "assessment_signed_off"
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    assert EvidenceFile.objects.filter(pk=item.pk).exists()


def test_live_values_move_on_a_draft_but_not_on_a_signed_off_version(world):
    first = started(world)
    uploaded(world, first, policy=False)
    first = assessment_sign_off(assessment=first, by=world.hr_admin, today=timezone.localdate())
    second = started(world, based_on=first)
    uploaded(world, second, policy=True)
    today = timezone.localdate()
    assert (
        assessment_view(second, today=today)
        .measurements["carers_policy_uploaded"]
        .measurement.value
        is True
    )
    old = assessment_view(first, today=today).measurements["carers_policy_uploaded"].measurement
    assert old.value is False


def test_a_new_version_copies_answers_text_links_and_files(world):
    first = started(world)
    criterion_save(
        assessment=first,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput(MET, "See the policy")},
        narrative="Our policy names carers.",
        links=[{"url": "https://example.org/policy", "title": ""}],
        expected_version=0,
        by=world.hr_admin,
    )
    original = uploaded(world, first)
    assessment_sign_off(assessment=first, by=world.hr_admin, today=timezone.localdate())
    second = started(world, based_on=first)
    assert (second.number, second.based_on) == (2, first)
    assert RequirementAnswer.objects.get(assessment=second).notes == "See the policy"
    evidence = CriterionEvidence.objects.get(assessment=second)
    assert (evidence.narrative, evidence.links) == (
        "Our policy names carers.",
        [{"url": "https://example.org/policy", "title": ""}],
    )
    copy = EvidenceFile.objects.get(assessment=second)
    assert copy.stored_name != original.stored_name
    assert copy.label == original.label
    with (
        default_storage.open(copy.stored_name) as a,
        default_storage.open(original.stored_name) as b,
    ):
        assert a.read() == b.read()
    assert events(second)[-1] == (
        "create",
        "Started Carer Positive self-assessment version 2 from version 1",
    )


def test_a_new_version_starts_only_from_a_signed_off_one_of_the_same_framework(world):
    draft = started(world)
    with pytest.raises(AssessmentError) as error:
        started(world, "carer-positive", based_on=draft)
    assert error.value.code == "not_signed_off"
    done = signed_off(world, "carer-confident", up_to="active")
    with pytest.raises(AssessmentError):
        assessment_start(
            organisation=world.org,
            framework_slug="efc-action-list",
            by=world.hr_admin,
            based_on=done,
        )


def test_a_draft_can_be_deleted_with_its_files(world, django_capture_on_commit_callbacks):
    assessment = started(world)
    item = uploaded(world, assessment)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_delete(assessment=assessment, by=world.hr_admin)
    assert not Assessment.objects.exists()
    assert not default_storage.exists(item.stored_name)
    assert AuditEvent.objects.filter(action="delete", object_type="benchmarks.assessment").exists()


def test_history_does_not_move_when_the_framework_file_changes(world, settings, tmp_path):
    done = signed_off(world, up_to="engaged")
    data = yaml.safe_load((SHIPPED_DIR / "carer-positive.yaml").read_text())
    data["levels"][0]["name"] = "Committed"
    data["criteria"][0]["title"] = "Knowing who carers are"
    (tmp_path / "official.yaml").write_text(yaml.safe_dump(data))
    settings.BENCHMARK_FRAMEWORK_DIRS = [tmp_path]
    old = framework_of(done)
    assert old.level_name("engaged") == "Engaged"
    assert old.criteria[0].title == "Identification of carers"
    draft = started(world, based_on=done)
    assert framework_of(draft).level_name("engaged") == "Committed"


def test_compare_shows_level_and_answer_changes_per_criterion(world):
    first = signed_off(world, up_to="engaged")
    second = started(world, based_on=first)
    criterion_save(
        assessment=second,
        criterion_key="identification",
        answers={
            "identification-comfortable": AnswerInput(MET),
            "identification-moments": AnswerInput(MET),
        },
        expected_version=version_of(second, "identification"),
        by=world.hr_admin,
    )
    criterion_save(
        assessment=second,
        criterion_key="policy",
        answers={"policy-statutory": AnswerInput(PARTLY)},
        expected_version=version_of(second, "policy"),
        by=world.hr_admin,
    )
    comparison = compare(second, first)  # either order
    assert (comparison.older, comparison.newer) == (first, second)
    assert (comparison.overall_before, comparison.overall_after) == ("Engaged", "")
    by_key = {c.key: c for c in comparison.criteria}
    assert (by_key["identification"].before, by_key["identification"].after) == (
        "Engaged",
        "Established",
    )
    assert [(r.key, r.before, r.after) for r in by_key["identification"].changes] == [
        ("identification-comfortable", "not_met", "met"),
        ("identification-moments", "not_met", "met"),
    ]
    assert (by_key["policy"].before, by_key["policy"].after) == ("Engaged", "")
    assert not by_key["peer-support"].changes
    assert not by_key["peer-support"].level_changed


def test_compare_refuses_different_frameworks(world):
    with pytest.raises(ValueError, match="same framework"):
        compare(started(world), started(world, "carer-confident"))


def test_a_bigger_assessment_is_read_in_the_same_number_of_queries(
    world, django_assert_num_queries
):
    assessment = started(world)
    today = timezone.localdate()
    assessment = Assessment.objects.select_related("organisation").get(pk=assessment.pk)
    # The support directory's coverage is read once for its four measures on Carer Positive,
    # and Carer Aware's completion once for everyone's figure and the champions' (issue 19);
    # one query for the published policy, and one each for the articles to staff and the
    # forum's case studies.
    with django_assert_num_queries(21) as small:
        assessment_view(assessment, today=today)
    meet(world, assessment, up_to="exemplary")
    uploaded(world, assessment)
    uploaded(
        world, assessment, criterion_key="identification", content=files.png(), name="poster.png"
    )
    with django_assert_num_queries(len(small.captured_queries)):
        assessment_view(assessment, today=today)


# --- Files written inside a failed transaction, sign-off state, gaps into a plan ------------


def stored_files() -> list[str]:
    return sorted(default_storage.listdir("benchmarks/evidence")[1])


def test_a_failed_new_version_leaves_no_copied_files_behind(world, monkeypatch):
    first = started(world)
    uploaded(world, first)
    uploaded(world, first, criterion_key="identification", policy=False)
    assessment_sign_off(assessment=first, by=world.hr_admin, today=timezone.localdate())
    before = stored_files()
    assert len(before) == 2

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    # The copies are written before the audit entry, which then fails: all is rolled back.
    monkeypatch.setattr("benchmarks.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        started(world, based_on=first)
    assert not Assessment.objects.filter(number=2).exists()
    assert stored_files() == before


def test_a_failed_upload_leaves_no_file_behind(world, monkeypatch):
    assessment = started(world)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("benchmarks.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        uploaded(world, assessment)
    assert not EvidenceFile.objects.exists()
    assert default_storage.listdir("benchmarks/evidence") == ([], [])


def state(assessment):
    return assessment_view(assessment, today=timezone.localdate()).state


@pytest.mark.parametrize("change", ["answer", "narrative", "upload", "remove"])
def test_sign_off_refuses_when_something_was_saved_after_the_signer_read_it(world, change):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    item = uploaded(world, assessment)
    seen = state(assessment)
    if change == "answer":
        criterion_save(
            assessment=assessment,
            criterion_key="peer-support",
            answers={"peer-network": AnswerInput(PARTLY)},
            expected_version=None,
            by=world.org_admin,
        )
    elif change == "narrative":
        criterion_save(
            assessment=assessment,
            criterion_key="policy",
            narrative="Added later",
            expected_version=None,
            by=world.org_admin,
        )
    elif change == "upload":
        uploaded(world, assessment, policy=False)
    else:
        evidence_remove(item=item, by=world.org_admin)
    with pytest.raises(AssessmentChanged):
        assessment_sign_off(
            assessment=assessment,
            by=world.hr_admin,
            today=timezone.localdate(),
            expected_state=seen,
        )
    assessment.refresh_from_db()
    assert assessment.is_draft
    assert not MeasurementSnapshot.objects.exists()
    done = assessment_sign_off(
        assessment=assessment,
        by=world.hr_admin,
        today=timezone.localdate(),
        expected_state=state(assessment),
    )
    assert done.status == AssessmentStatus.SIGNED_OFF


def test_a_save_that_changes_nothing_keeps_the_state(world):
    assessment = started(world)
    seen = state(assessment)
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput(NOT_MET)},
        narrative="",
        expected_version=0,
        by=world.org_admin,
    )
    done = assessment_sign_off(
        assessment=assessment, by=world.hr_admin, today=timezone.localdate(), expected_state=seen
    )
    assert done.status == AssessmentStatus.SIGNED_OFF


def test_a_removed_framework_refuses_changes_to_its_drafts(world, settings, tmp_path):
    from benchmarks.tests.test_frameworks import sample

    directory = tmp_path / "frameworks"
    directory.mkdir()
    (directory / "sample.yaml").write_text(yaml.safe_dump(sample()))
    settings.BENCHMARK_FRAMEWORK_DIRS = [directory]
    assessment = started(world, "sample-scheme")
    assert write_refusal(assessment) is None
    settings.BENCHMARK_FRAMEWORK_DIRS = []
    refusal = write_refusal(assessment)
    assert refusal is not None
    assert refusal.code == "framework_unavailable"
    with pytest.raises(AssessmentError) as error:
        criterion_save(
            assessment=assessment,
            criterion_key="listening",
            narrative="x",
            expected_version=None,
            by=world.hr_admin,
        )
    assert error.value.code == "framework_unavailable"


def gaps_of(assessment, target="established"):
    from benchmarks.gaps import gaps_for
    from benchmarks.selectors import answers_of, statuses

    return gaps_for(
        framework=shipped(assessment.framework_slug),
        answers=statuses(answers_of(assessment)),
        target=target,
        assessment_id=assessment.pk,
    )


def test_gaps_go_into_a_new_plan_once_then_into_that_plan(world):
    from plans.models import ActionPoint, OrgPlan

    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    gaps = gaps_of(assessment)
    made = gaps_to_plan(
        assessment=assessment, gaps=gaps, by=world.hr_admin, plan=None, seen_plan_id=0
    )
    assert (made.created, made.added) == (True, len(gaps))
    assert (
        latest_framework_plan(organisation=world.org, framework_slug="carer-positive") == made.plan
    )

    # The same form sent again: refused rather than a second plan with the same actions.
    with pytest.raises(PlanMadeMeanwhile) as again:
        gaps_to_plan(assessment=assessment, gaps=gaps, by=world.hr_admin, plan=None, seen_plan_id=0)
    assert again.value.plan == made.plan
    assert OrgPlan.objects.count() == 1

    # Into the existing plan: only requirements without an open action are added.
    criterion_save(
        assessment=assessment,
        criterion_key="peer-support",
        answers={"peer-network": AnswerInput(MET)},
        expected_version=None,
        by=world.hr_admin,
    )
    more = gaps_of(assessment, target="exemplary")
    added = gaps_to_plan(assessment=assessment, gaps=more, by=world.hr_admin, plan=made.plan)
    covered = {g.requirement_ref for g in gaps}
    assert (added.created, added.plan) == (False, made.plan)
    assert added.added == len([g for g in more if g.requirement_ref not in covered]) > 0
    refs = list(
        ActionPoint.objects.filter(plan_id=made.plan.id).values_list("requirement_ref", flat=True)
    )
    assert len(refs) == len(set(refs))
    nothing = gaps_to_plan(assessment=assessment, gaps=more, by=world.hr_admin, plan=made.plan)
    assert nothing.added == 0

    # A new plan asked for knowingly (having seen the latest) is made.
    second = gaps_to_plan(
        assessment=assessment, gaps=gaps, by=world.hr_admin, plan=None, seen_plan_id=made.plan.id
    )
    assert second.created
    assert second.plan != made.plan


def test_gaps_cannot_go_into_another_organisations_plan(world):
    from django.http import Http404

    from plans.models import ActionPoint, OrgPlan

    today = timezone.localdate()
    theirs = OrgPlan.objects.create(
        organisation=world.other_org, title="Theirs", period_start=today, period_end=today
    )
    assessment = started(world)
    with pytest.raises(Http404):
        gaps_to_plan(
            assessment=assessment,
            gaps=gaps_of(assessment, "engaged"),
            by=world.hr_admin,
            plan=PlanSummary.of(theirs),
        )
    assert not ActionPoint.objects.exists()


@pytest.mark.parametrize("persona", ["champion", "sponsor"])
def test_only_hr_puts_gaps_into_a_plan(world, persona):
    assessment = started(world)
    with pytest.raises(PermissionDenied):
        gaps_to_plan(
            assessment=assessment,
            gaps=gaps_of(assessment, "engaged"),
            by=getattr(world, persona),
            plan=None,
        )
