"""Reads for benchmark pages and the API: assessments of one organisation, their framework,
their answers and evidence, the live evidence beside them, and comparisons."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from benchmarks.frameworks import Framework, get_framework, parse_framework
from benchmarks.levels import FrameworkResult, assess
from benchmarks.measures import JsonValue, Measurement, get_measure, measure_all
from benchmarks.models import (
    Assessment,
    AssessmentStatus,
    CriterionEvidence,
    EvidenceFile,
    MeasurementSnapshot,
    RequirementAnswer,
)
from organisations.models import Organisation
from plans.public import PlanOption, PlanSummary, latest_plan_made_from, plan_options_for_gaps


def assessments_in(*, organisation: Organisation) -> QuerySet[Assessment]:
    """Every assessment of the organisation, each framework's newest first: a stable order,
    as the number is unique per framework, so the API can page through it."""
    return Assessment.objects.filter(organisation=organisation).order_by(
        "framework_slug", "-number"
    )


def assessments_of(*, organisation: Organisation) -> list[Assessment]:
    """The same, read in one query."""
    return list(assessments_in(organisation=organisation))


def access_assessment(*, organisation: Organisation, pk: int) -> Assessment:
    """The assessment if it belongs to ``organisation``; otherwise 404 (rule 6)."""
    found = (
        Assessment.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "based_on")
        .first()
    )
    if found is None:
        raise Http404
    return found


def draft_of(*, organisation: Organisation, framework_slug: str) -> Assessment | None:
    return Assessment.objects.filter(
        organisation=organisation, framework_slug=framework_slug, status=AssessmentStatus.DRAFT
    ).first()


def framework_of(assessment: Assessment) -> Framework:
    """The framework an assessment is read against.

    A signed-off assessment always uses its own stored copy, so history does not move. A
    draft follows the framework file as it is now (the wording it will be signed off
    against), falling back to its copy if the file has gone.
    """
    if assessment.is_draft:
        live = get_framework(assessment.framework_slug)
        if live is not None:
            return live
    return parse_framework(
        assessment.framework_data, source=f"assessment {assessment.pk}", measure_names=None
    )


def answers_of(assessment: Assessment) -> dict[str, RequirementAnswer]:
    return {a.requirement_key: a for a in RequirementAnswer.objects.filter(assessment=assessment)}


def evidence_of(assessment: Assessment, criterion_key: str) -> CriterionEvidence | None:
    """The criterion's text and links as saved, if anything was."""
    return CriterionEvidence.objects.filter(
        assessment=assessment, criterion_key=criterion_key
    ).first()


def statuses(answers: dict[str, RequirementAnswer]) -> dict[str, str]:
    return {key: answer.status for key, answer in answers.items()}


@dataclass(frozen=True)
class LiveEvidence:
    name: str
    title: str
    measurement: Measurement


#: How long a draft's live evidence is reused before it is measured again. Measuring is
#: the draft's pages' largest cost by far (about twenty counts over the organisation's
#: records: 100 ms at 100,000 staff, measured in ``make bench``), and every page of the
#: draft, its PDF and the API read all of it. Sign-off always measures afresh
#: (``services.sign_off``), so what is recorded is never a kept copy.
LIVE_EVIDENCE_FOR = 60
#: Part of the key: changing what is kept changes it, so no process reads an older shape.
LIVE_EVIDENCE_VERSION = 1

_Kept = tuple[str, dict[str, tuple[JsonValue, str, str, str]]]


def _generation_key(organisation_id: int) -> str:
    return f"benchmarks:live-evidence-generation:{organisation_id}"


def forget_live_evidence(*, organisation_id: int) -> None:
    """Stop reusing the organisation's kept live evidence, in every language and for every
    framework, by moving it to a new generation (kept without expiry: one small key an
    organisation, which must not go before the figures it retired)."""
    cache.set(_generation_key(organisation_id), time.time_ns(), timeout=None)


def recent_measurements(
    *, organisation: Organisation, names: Collection[str], today: date
) -> tuple[dict[str, Measurement], datetime]:
    """Every named measure as taken at most ``LIVE_EVIDENCE_FOR`` seconds ago, and when.

    The figures are the organisation's, shown to whoever may read its assessments, and
    small counts are already hidden in them (trust rule 4), so the cache holds nothing a
    person could be picked out from. The key is made of exactly what they depend on: the
    organisation, the day, the language they are written in and the measures asked for.
    Plain values are kept, not objects, so a process running other code never unpickles a
    shape it does not know."""
    wanted = tuple(names)
    generation = cache.get(_generation_key(organisation.pk), 0)
    made_of = repr(
        (
            LIVE_EVIDENCE_VERSION,
            organisation.pk,
            generation,
            today.isoformat(),
            get_language(),
            wanted,
        )
    )
    key = f"benchmarks:live-evidence:{hashlib.sha256(made_of.encode()).hexdigest()}"
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2:
        at, values = kept
        return (
            {
                name: Measurement(value, display, date.fromisoformat(on), detail)
                for name, (value, display, on, detail) in values.items()
            },
            datetime.fromisoformat(at),
        )
    taken = measure_all(organisation=organisation, names=wanted, today=today)
    at = timezone.now()
    fresh: _Kept = (
        at.isoformat(),
        {
            name: (m.value, m.display, m.measured_on.isoformat(), m.detail)
            for name, m in taken.items()
        },
    )
    # Kept once what was read is committed, never figures from a write that is rolled back.
    transaction.on_commit(lambda: cache.set(key, fresh, LIVE_EVIDENCE_FOR))
    return taken, at


def measurements_for(
    assessment: Assessment, framework: Framework, *, today: date
) -> tuple[dict[str, LiveEvidence], datetime | None]:
    """Live values for a draft (at most a minute old, and when they were taken); the values
    recorded at sign-off for a signed-off one (and None)."""
    if assessment.is_draft:
        taken, at = recent_measurements(
            organisation=assessment.organisation, names=framework.measures(), today=today
        )
        found = {}
        for name, value in taken.items():
            measure = get_measure(name)
            found[name] = LiveEvidence(name, str(measure.title) if measure else name, value)
        return found, at
    return {
        snap.name: LiveEvidence(
            snap.name,
            snap.title,
            Measurement(snap.value, snap.display, snap.measured_on, snap.detail),
        )
        for snap in MeasurementSnapshot.objects.filter(assessment=assessment)
    }, None


def assessment_state(
    *,
    framework: Framework,
    answers: Iterable[RequirementAnswer],
    evidence: Iterable[CriterionEvidence],
    files: Iterable[EvidenceFile],
) -> str:
    """A fingerprint of what a signer reads: the framework, every answer and note, the
    evidence text and links, and the documents. Sign-off compares it with the one the
    signer's page showed, so nothing saved in between is signed unseen."""
    # A row that reads the same as no row (not met, nothing written) does not count.
    content = {
        "framework": framework.content_hash,
        "answers": sorted(
            [a.criterion_key, a.requirement_key, a.status, a.notes]
            for a in answers
            if a.status != "not_met" or a.notes
        ),
        "evidence": sorted(
            [e.criterion_key, e.narrative, json.dumps(e.links, sort_keys=True)]
            for e in evidence
            if e.narrative or e.links
        ),
        "files": sorted([f.pk, f.criterion_key, f.is_carers_policy] for f in files),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class AssessmentView:
    """Everything an assessment's pages, its PDF and the API show, read once."""

    assessment: Assessment
    framework: Framework
    result: FrameworkResult
    answers: dict[str, RequirementAnswer]
    evidence: dict[str, CriterionEvidence]
    files: dict[str, list[EvidenceFile]]
    measurements: dict[str, LiveEvidence]
    #: When a draft's live evidence was taken (it is reused for up to a minute); None
    #: for a signed-off version, whose values are the ones recorded at sign-off.
    measured_at: datetime | None = None

    def status_of(self, requirement_key: str) -> str:
        answer = self.answers.get(requirement_key)
        return answer.status if answer else "not_met"

    @property
    def state(self) -> str:
        """See ``assessment_state``: sent back on sign-off."""
        return assessment_state(
            framework=self.framework,
            answers=self.answers.values(),
            evidence=self.evidence.values(),
            files=[f for found in self.files.values() for f in found],
        )


def assessment_view(assessment: Assessment, *, today: date) -> AssessmentView:
    """A constant number of queries whatever the size of the assessment."""
    framework = framework_of(assessment)
    answers = answers_of(assessment)
    files: dict[str, list[EvidenceFile]] = defaultdict(list)
    for item in EvidenceFile.objects.filter(assessment=assessment):
        files[item.criterion_key].append(item)
    measurements, measured_at = measurements_for(assessment, framework, today=today)
    return AssessmentView(
        assessment=assessment,
        framework=framework,
        result=assess(framework, statuses(answers)),
        answers=answers,
        evidence={
            e.criterion_key: e for e in CriterionEvidence.objects.filter(assessment=assessment)
        },
        files=dict(files),
        measurements=measurements,
        measured_at=measured_at,
    )


def evidence_file_in(*, assessment: Assessment, pk: int) -> EvidenceFile:
    found = EvidenceFile.objects.filter(assessment=assessment, pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Comparing two versions ------------------------------------------------------------


@dataclass(frozen=True)
class RequirementChange:
    key: str
    text: str
    level_name: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class CriterionChange:
    key: str
    title: str
    before: str
    after: str
    requirements: tuple[RequirementChange, ...]

    @property
    def level_changed(self) -> bool:
        return self.before != self.after

    @property
    def changes(self) -> tuple[RequirementChange, ...]:
        return tuple(r for r in self.requirements if r.changed)


@dataclass(frozen=True)
class Comparison:
    older: Assessment
    newer: Assessment
    overall_before: str
    overall_after: str
    criteria: tuple[CriterionChange, ...]


def comparable_versions(assessment: Assessment) -> list[Assessment]:
    """The other versions of the same framework in the same organisation, newest first."""
    return list(
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id, framework_slug=assessment.framework_slug
        )
        .exclude(pk=assessment.pk)
        .order_by("-number")
    )


def compare(older: Assessment, newer: Assessment) -> Comparison:
    """Per criterion, the level each version reached and each requirement's answer in both.

    Requirements are matched by key; one that exists in only one version shows no answer
    on the other side. The newer version's order and wording are used.
    """
    if older.organisation_id != newer.organisation_id or (
        older.framework_slug != newer.framework_slug
    ):
        raise ValueError("Only versions of the same framework in one organisation compare")
    if older.number > newer.number:
        older, newer = newer, older
    old_fw, new_fw = framework_of(older), framework_of(newer)
    old_answers, new_answers = statuses(answers_of(older)), statuses(answers_of(newer))
    old_result, new_result = assess(old_fw, old_answers), assess(new_fw, new_answers)
    old_keys = {r.key for _c, r in old_fw.requirements()}
    criteria = []
    for item in new_result.criteria:
        before = old_result.for_criterion(item.criterion.key)
        criteria.append(
            CriterionChange(
                key=item.criterion.key,
                title=item.criterion.title,
                before=old_fw.level_name(before.result.level) if before else "",
                after=new_fw.level_name(item.result.level),
                requirements=tuple(
                    RequirementChange(
                        key=r.key,
                        text=r.text,
                        level_name=new_fw.level_name(r.level),
                        before=old_answers.get(r.key, "not_met") if r.key in old_keys else None,
                        after=new_answers.get(r.key, "not_met"),
                    )
                    for r in item.criterion.requirements
                ),
            )
        )
    return Comparison(
        older=older,
        newer=newer,
        overall_before=old_fw.level_name(old_result.overall),
        overall_after=new_fw.level_name(new_result.overall),
        criteria=tuple(criteria),
    )


# --- Gaps into an action plan ------------------------------------------------------------


def is_assessment_of(organisation: Organisation, assessment_id: int) -> bool:
    """Whether the id is one of the organisation's assessments (offered to plans, which
    checks an action's source assessment with it)."""
    return Assessment.objects.filter(pk=assessment_id, organisation=organisation).exists()


def framework_assessment_ids(*, organisation: Organisation, framework_slug: str) -> list[int]:
    """Every assessment of the framework in the organisation: the plans made from any of
    them are the framework's plans."""
    return list(
        Assessment.objects.filter(
            organisation=organisation, framework_slug=framework_slug
        ).values_list("pk", flat=True)
    )


def latest_framework_plan(*, organisation: Organisation, framework_slug: str) -> PlanSummary | None:
    """The newest plan holding actions made from an assessment of this framework."""
    return latest_plan_made_from(
        organisation=organisation,
        assessment_ids=framework_assessment_ids(
            organisation=organisation, framework_slug=framework_slug
        ),
    )


def plan_options(
    *, viewer: User, organisation: Organisation, framework_slug: str, gap_refs: Iterable[str]
) -> list[PlanOption]:
    """The plans the viewer sees, newest first, each with how many of ``gap_refs`` it
    already covers with an open action and whether it was made from this framework."""
    return plan_options_for_gaps(
        viewer=viewer,
        organisation=organisation,
        assessment_ids=framework_assessment_ids(
            organisation=organisation, framework_slug=framework_slug
        ),
        gap_refs=gap_refs,
    )
