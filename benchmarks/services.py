"""Writes to self-assessments. Views, the API and the demo data all come here.

Every write checks who is writing (HR admins and organisation admins), refuses to touch
a signed-off assessment, and is audited. Saving a criterion checks the version the person
was looking at, so two people editing the same criterion never silently overwrite each
other (trust rule 8).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record
from benchmarks.frameworks import Framework, get_framework
from benchmarks.levels import ANSWERS, NOT_MET, assess
from benchmarks.measures import get_measure, measure_all
from benchmarks.models import (
    Assessment,
    AssessmentStatus,
    CriterionEvidence,
    EvidenceFile,
    MeasurementSnapshot,
    RequirementAnswer,
)
from benchmarks.selectors import (
    assessment_state,
    forget_live_evidence,
    framework_assessment_ids,
    statuses,
)
from benchmarks.uploads import check_upload, display_label
from organisations.models import Organisation
from plans.public import Gap, GapsAdded, PlanSummary, gaps_into_plan
from shared.writes import EditConflict, RuleError, check_version, lock

MAX_LINKS = 20
STORAGE_PREFIX = "benchmarks/evidence/"


class AssessmentError(RuleError):
    """A write the rules do not allow for this assessment (the API answers 422)."""

    title = "Not allowed for this assessment"


class AssessmentClash(AssessmentError):
    """A write that clashes with the assessment's state: it is signed off, or a draft of the
    framework already exists (the API answers 409)."""

    status = 409


class AssessmentChanged(EditConflict):
    """Something was saved after the signer opened the sign-off page (API: 409 edit_conflict)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone changed this assessment after you opened this page, so it has not "
                "been signed off. Check the level below and the answers on the assessment "
                "page, then confirm again."
            )
        )


class CriterionConflict(EditConflict):
    """Someone saved the criterion after this person opened it."""

    def __init__(self, *, evidence: CriterionEvidence) -> None:
        super().__init__(
            "The criterion changed while you were editing it", current_version=evidence.version
        )
        self.by_name = evidence.updated_by_name or _("Someone")
        self.at: datetime = evidence.updated_at

    def describe(self) -> list[str]:
        return [
            _(
                "%(who)s saved this criterion at %(when)s, after you opened it, so your "
                "changes have not been saved yet. Check the differences below, then save "
                "again if you still want yours."
            )
            % {"who": self.by_name, "when": date_format(timezone.localtime(self.at), "j F Y H:i")}
        ]


def _live_evidence_moved(organisation_id: int) -> None:
    """A draft's live evidence reads the organisation's assessments and their files (the
    carers policy), and is kept for a minute (``selectors.recent_measurements``): what HR
    just uploaded must show on the next page, so the kept figures are dropped once this
    write is committed (not before, or a page could keep the old figures again)."""
    transaction.on_commit(lambda: forget_live_evidence(organisation_id=organisation_id))


def _require(by: User, organisation: Organisation) -> None:
    """Services check who may write: the API and commands call them too."""
    if not by.has_perm("benchmarks.run_assessments", organisation):
        raise PermissionDenied("Only HR admins and organisation admins run self-assessments")


def _signed_off() -> AssessmentClash:
    return AssessmentClash(
        "assessment_signed_off",
        _("This assessment has been signed off and can no longer be changed."),
    )


def _unavailable() -> AssessmentError:
    return AssessmentError(
        "framework_unavailable",
        _("The framework this assessment uses is no longer available on this service."),
    )


def write_refusal(assessment: Assessment) -> AssessmentError | None:
    """Why a change to the assessment would be refused now, if it would; for pages that
    should only offer a form that can be saved. The services check again under the lock."""
    if not assessment.is_draft:
        return _signed_off()
    if get_framework(assessment.framework_slug) is None:
        return _unavailable()
    return None


def _locked_draft(assessment: Assessment) -> Assessment:
    """The assessment row, locked; a signed-off one is refused."""
    locked = lock(Assessment.objects.select_related("organisation"), assessment.pk)
    if not locked.is_draft:
        raise _signed_off()
    return locked


def _live_framework(assessment: Assessment) -> Framework:
    framework = get_framework(assessment.framework_slug)
    if framework is None:
        raise _unavailable()
    return framework


@contextmanager
def _storing() -> Iterator[list[str]]:
    """A transaction that may write files to storage: the names added to the yielded list
    are deleted again if it fails, since a rollback cannot take them back.

    The transaction is opened inside the ``try``, so a failure when it commits is caught
    too. Inside a caller's own transaction this is a savepoint; a caller that rolls back
    later must clean up itself.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


# --- Starting --------------------------------------------------------------------------


def _copy_file(item: EvidenceFile, *, to: Assessment, stored_names: list[str]) -> None:
    """A new stored copy, so removing it from the draft leaves the signed-off version whole.

    The copy's name goes into ``stored_names`` as soon as it is written (see ``_storing``).
    """
    with default_storage.open(item.stored_name, "rb") as source:
        # Streamed from the stored file to the new one, never read whole (shared/storage.py).
        stored = default_storage.save(f"{STORAGE_PREFIX}{secrets.token_hex(16)}", source)
    stored_names.append(stored)
    EvidenceFile.objects.create(
        assessment=to,
        criterion_key=item.criterion_key,
        stored_name=stored,
        label=item.label,
        content_type=item.content_type,
        extension=item.extension,
        size=item.size,
        is_carers_policy=item.is_carers_policy,
        uploaded_by=item.uploaded_by,
        uploaded_by_name=item.uploaded_by_name,
        uploaded_at=item.uploaded_at,
    )


def assessment_start(
    *,
    organisation: Organisation,
    framework_slug: str,
    by: User,
    based_on: Assessment | None = None,
    channel: Channel = Channel.WEB,
) -> Assessment:
    """A new draft, numbered after the framework's last version; optionally starting from a
    signed-off one, whose answers, text, links and files are copied (and the copied files
    deleted again if the start fails)."""
    with _storing() as stored:
        return _start(
            organisation=organisation,
            framework_slug=framework_slug,
            by=by,
            based_on=based_on,
            channel=channel,
            stored=stored,
        )


def _start(
    *,
    organisation: Organisation,
    framework_slug: str,
    by: User,
    based_on: Assessment | None,
    channel: Channel,
    stored: list[str],
) -> Assessment:
    _require(by, organisation)
    framework = get_framework(framework_slug)
    if framework is None:
        raise AssessmentError(
            "unknown_framework", _("Choose a framework from the list."), field="framework"
        )
    # Lock the organisation so two starts cannot take the same number.
    lock(Organisation, organisation.pk)
    if based_on is not None:
        # Read again: the caller's copy may predate its sign-off.
        based_on = Assessment.objects.filter(pk=based_on.pk, organisation=organisation).first()
        if based_on is None:
            raise Http404
        if based_on.is_draft or based_on.framework_slug != framework_slug:
            raise AssessmentError(
                "not_signed_off",
                _(
                    "A new version can only start from a signed-off assessment of the same framework."
                ),
            )
    existing = Assessment.objects.filter(organisation=organisation, framework_slug=framework_slug)
    if existing.filter(status=AssessmentStatus.DRAFT).exists():
        raise AssessmentClash(
            "draft_exists",
            _("There is already a draft %(name)s assessment: carry on with that one.")
            % {"name": framework.name},
            field="framework",
        )
    number = (existing.aggregate(last=Max("number"))["last"] or 0) + 1
    assessment = Assessment.objects.create(
        organisation=organisation,
        framework_slug=framework_slug,
        number=number,
        based_on=based_on,
        started_by=by,
        started_by_name=display_name(by),
        framework_data=dict(framework.data),
        framework_hash=framework.content_hash,
    )
    if based_on is not None:
        RequirementAnswer.objects.bulk_create(
            RequirementAnswer(
                assessment=assessment,
                criterion_key=a.criterion_key,
                requirement_key=a.requirement_key,
                status=a.status,
                notes=a.notes,
            )
            for a in RequirementAnswer.objects.filter(assessment=based_on)
        )
        CriterionEvidence.objects.bulk_create(
            CriterionEvidence(
                assessment=assessment,
                criterion_key=e.criterion_key,
                narrative=e.narrative,
                links=e.links,
                updated_by=e.updated_by,
                updated_by_name=e.updated_by_name,
            )
            for e in CriterionEvidence.objects.filter(assessment=based_on)
        )
        for item in EvidenceFile.objects.filter(assessment=based_on):
            _copy_file(item, to=assessment, stored_names=stored)
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=assessment,
        organisation_id=assessment.organisation_id,
        summary=f"Started {framework.name} self-assessment version {number}"
        + (f" from version {based_on.number}" if based_on else ""),
    )
    _live_evidence_moved(assessment.organisation_id)
    return assessment


# --- Answering -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    status: str
    notes: str = ""


def clean_links(links: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Web addresses only (http or https), each with an optional title."""
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links:
        url = (link.get("url") or "").strip()
        title = (link.get("title") or "").strip()
        try:
            validate(url)
        except ValidationError as exc:
            raise ValidationError(
                {"links": _("“%(url)s” is not a web address starting with https://") % {"url": url}}
            ) from exc
        if len(url) > 2000 or len(title) > 200:
            raise ValidationError(
                {"links": _("Each address must be under 2,000 characters and its title under 200.")}
            )
        cleaned.append({"url": url, "title": title})
    if len(cleaned) > MAX_LINKS:
        raise ValidationError(
            {"links": _("Add at most %(n)s links to one criterion.") % {"n": MAX_LINKS}}
        )
    return cleaned


@transaction.atomic
def criterion_save(
    *,
    assessment: Assessment,
    criterion_key: str,
    by: User,
    expected_version: int | None,
    answers: Mapping[str, AnswerInput] | None = None,
    narrative: str | None = None,
    links: Sequence[Mapping[str, str]] | None = None,
    channel: Channel = Channel.WEB,
) -> CriterionEvidence:
    """Save one criterion's answers, text and links. ``None`` leaves a part as it is.

    ``expected_version`` is the criterion's version the person started from (0 before
    anything was saved); a different current version raises ``CriterionConflict`` and
    nothing is saved. ``None`` skips the check, for callers that mean to overwrite.
    """
    locked = _locked_draft(assessment)
    _require(by, locked.organisation)
    framework = _live_framework(locked)
    criterion = framework.criterion(criterion_key)
    if criterion is None:
        raise Http404
    own_keys = {r.key for r in criterion.requirements}
    for key, given in (answers or {}).items():
        if key not in own_keys:
            raise ValidationError(
                {"answers": _("“%(key)s” is not a requirement of this criterion.") % {"key": key}}
            )
        if given.status not in ANSWERS:
            raise ValidationError({"answers": _("Choose met, partly met or not met.")})
        if len(given.notes) > 2000:
            raise ValidationError({"answers": _("Notes must be 2,000 characters or fewer.")})
    if narrative is not None and len(narrative) > 10000:
        raise ValidationError({"narrative": _("The evidence must be 10,000 characters or fewer.")})
    cleaned_links = clean_links(links) if links is not None else None

    # Not stored until something is saved: opening a criterion and saving it unchanged
    # writes nothing.
    evidence = CriterionEvidence.objects.filter(
        assessment=locked, criterion_key=criterion_key
    ).first() or CriterionEvidence(assessment=locked, criterion_key=criterion_key, version=0)
    check_version(evidence.version, expected_version, lambda: CriterionConflict(evidence=evidence))

    changes: dict[str, Any] = {}
    current = {
        a.requirement_key: a
        for a in RequirementAnswer.objects.filter(assessment=locked, requirement_key__in=own_keys)
    }
    for key, given in (answers or {}).items():
        row = current.get(key)
        if row is None and given.status == NOT_MET and not given.notes.strip():
            continue  # unanswered reads as not met: saying so again changes nothing
        if row is None:
            RequirementAnswer.objects.create(
                assessment=locked,
                criterion_key=criterion_key,
                requirement_key=key,
                status=given.status,
                notes=given.notes.strip(),
            )
            changes[key] = {"old": "not_met", "new": given.status}
        elif row.status != given.status or row.notes != given.notes.strip():
            if row.status != given.status:
                changes[key] = {"old": row.status, "new": given.status}
            else:
                changes[key] = {"notes": True}
            row.status, row.notes = given.status, given.notes.strip()
            row.save(update_fields=["status", "notes"])
    if narrative is not None and narrative.strip() != evidence.narrative:
        evidence.narrative = narrative.strip()
        changes["narrative"] = True
    if cleaned_links is not None and cleaned_links != evidence.links:
        evidence.links = cleaned_links
        changes["links"] = len(cleaned_links)
    if not changes:
        return evidence
    evidence.version += 1
    evidence.updated_by = by
    evidence.updated_by_name = display_name(by)
    evidence.save()
    locked.save(update_fields=["updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Updated “{criterion.title}” in self-assessment version {locked.number}",
        changes=changes,
    )
    return evidence


# --- Evidence files --------------------------------------------------------------------


def evidence_upload(
    *,
    assessment: Assessment,
    criterion_key: str,
    upload: UploadedFile[bytes],
    by: User,
    is_carers_policy: bool = False,
    channel: Channel = Channel.WEB,
) -> EvidenceFile:
    """Check the file by its content, store it under a random name, and record it. If the
    row or its audit entry cannot be written, the stored file goes too."""
    with _storing() as stored:
        return _upload(
            assessment=assessment,
            criterion_key=criterion_key,
            upload=upload,
            by=by,
            is_carers_policy=is_carers_policy,
            channel=channel,
            stored_names=stored,
        )


def _upload(
    *,
    assessment: Assessment,
    criterion_key: str,
    upload: UploadedFile[bytes],
    by: User,
    is_carers_policy: bool,
    channel: Channel,
    stored_names: list[str],
) -> EvidenceFile:
    locked = _locked_draft(assessment)
    _require(by, locked.organisation)
    criterion = _live_framework(locked).criterion(criterion_key)
    if criterion is None:
        raise Http404
    sniffed = check_upload(upload, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    stored = default_storage.save(f"{STORAGE_PREFIX}{secrets.token_hex(16)}", upload)
    stored_names.append(stored)
    item = EvidenceFile.objects.create(
        assessment=locked,
        criterion_key=criterion_key,
        stored_name=stored,
        label=display_label(upload.name),
        content_type=sniffed.content_type,
        extension=sniffed.extension,
        size=upload.size or 0,
        is_carers_policy=is_carers_policy,
        uploaded_by=by,
        uploaded_by_name=display_name(by),
        uploaded_at=timezone.now(),
    )
    locked.save(update_fields=["updated_at"])
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Uploaded evidence file {item.pk} to “{criterion.title}”",
        changes={"file": item.pk, "type": sniffed.content_type, "size": item.size},
    )
    _live_evidence_moved(locked.organisation_id)
    return item


@transaction.atomic
def evidence_remove(*, item: EvidenceFile, by: User, channel: Channel = Channel.WEB) -> None:
    locked = _locked_draft(item.assessment)
    _require(by, locked.organisation)
    stored = item.stored_name
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Removed evidence file {item.pk} from self-assessment version {locked.number}",
    )
    item.delete()
    locked.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: default_storage.delete(stored))
    _live_evidence_moved(locked.organisation_id)


# --- Signing off and deleting ----------------------------------------------------------


@transaction.atomic
def assessment_sign_off(
    *,
    assessment: Assessment,
    by: User,
    today: date,
    role: str = "",
    expected_state: str | None = None,
    channel: Channel = Channel.WEB,
) -> Assessment:
    """Fix the assessment as a numbered version: the framework it used, its level and the
    live-evidence values of today are recorded, and nothing can change it afterwards.

    ``expected_state`` is the assessment's ``state`` when the signer read it (see
    ``selectors.assessment_state``); if anything was saved since, ``AssessmentChanged``
    is raised and nothing is signed. ``None`` skips the check.
    """
    locked = _locked_draft(assessment)
    _require(by, locked.organisation)
    framework = _live_framework(locked)
    answers = {a.requirement_key: a for a in RequirementAnswer.objects.filter(assessment=locked)}
    if expected_state is not None and expected_state != assessment_state(
        framework=framework,
        answers=answers.values(),
        evidence=CriterionEvidence.objects.filter(assessment=locked),
        files=EvidenceFile.objects.filter(assessment=locked),
    ):
        raise AssessmentChanged
    result = assess(framework, statuses(answers))
    taken = measure_all(organisation=locked.organisation, names=framework.measures(), today=today)
    MeasurementSnapshot.objects.bulk_create(
        MeasurementSnapshot(
            assessment=locked,
            name=name,
            title=str(measure.title) if (measure := get_measure(name)) else name,
            value=value.value,
            display=value.display[:300],
            detail=value.detail[:500],
            measured_on=value.measured_on,
        )
        for name, value in taken.items()
    )
    locked.framework_data = dict(framework.data)
    locked.framework_hash = framework.content_hash
    locked.overall_level = result.overall or ""
    locked.status = AssessmentStatus.SIGNED_OFF
    locked.signed_off_by = by
    locked.signed_off_by_name = display_name(by)
    locked.signed_off_role = role.strip()[:200]
    locked.signed_off_at = timezone.now()
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Signed off {framework.name} self-assessment version {locked.number}",
        changes={"overall_level": locked.overall_level},
    )
    return locked


@transaction.atomic
def assessment_delete(*, assessment: Assessment, by: User, channel: Channel = Channel.WEB) -> None:
    """Only a draft can go; signed-off versions are the record."""
    locked = _locked_draft(assessment)
    _require(by, locked.organisation)
    stored = list(
        EvidenceFile.objects.filter(assessment=locked).values_list("stored_name", flat=True)
    )
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Deleted draft self-assessment version {locked.number} ({locked.framework_slug})",
    )
    locked.delete()
    _live_evidence_moved(locked.organisation_id)

    def remove_files() -> None:
        for name in stored:
            default_storage.delete(name)

    transaction.on_commit(remove_files)


# --- Gaps into an action plan --------------------------------------------------------------


def gaps_to_plan(
    *,
    assessment: Assessment,
    gaps: Sequence[Gap],
    by: User,
    plan: PlanSummary | None,
    title: str | None = None,
    seen_plan_id: int | None = None,
) -> GapsAdded:
    """Put the gaps into ``plan``, or into a new plan when it is None.

    ``seen_plan_id`` is the newest plan made from this framework when the person chose
    (0 for none): if a newer one exists, a new plan is refused with
    ``plans.public.PlanMadeMeanwhile`` rather than made twice. An existing plan never gets
    a second open action for a requirement.
    """
    organisation = assessment.organisation
    _require(by, organisation)
    with transaction.atomic():
        return gaps_into_plan(
            organisation=organisation,
            gaps=gaps,
            by=by,
            plan_id=plan.id if plan is not None else None,
            title=title,
            seen_plan_id=seen_plan_id,
            assessment_ids=framework_assessment_ids(
                organisation=organisation, framework_slug=assessment.framework_slug
            ),
        )
