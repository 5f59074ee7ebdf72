"""Writes to the leadership commitment. Pages, the API and commands all come here.

Every write locks the organisation's commitment row, so two people acting at once are
served one after the other; drafts carry a ``revision`` so an edit made on an old copy
is shown to its author rather than overwriting someone else's words (trust rule 8).
Signed versions never change (``CommitmentVersion.save`` refuses it); only their
publication state moves.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from commitments.models import (
    OPEN_STATUSES,
    CommitmentVersion,
    LeadershipCommitment,
    PartnershipPage,
    VersionStatus,
)
from commitments.rules import is_sponsor
from commitments.template import template_for
from organisations.models import HR_ROLES, Organisation, Partnership, Role
from organisations.rules import is_hr_admin
from shared.dates import long_datetime
from shared.emails import send_templated
from shared.writes import EditConflict, check_version, lock


class CommitmentConflict(EditConflict):
    """Someone else changed the draft after the person opened it (the API answers 409
    ``edit_conflict``, as for any other concurrent edit)."""

    version_field = "revision"

    def __init__(self, *, current: CommitmentVersion) -> None:
        who = current.updated_by.email if current.updated_by else _("someone")
        super().__init__(
            _(
                "%(who)s changed this draft at %(when)s, after you opened it. Your text is "
                "below and has not been saved: compare it with the current draft, then save "
                "again."
            )
            % {"who": who, "when": long_datetime(current.updated_at)},
            current_version=current.revision,
        )
        self.current = current


def _require_hr(by: User, organisation: Organisation) -> None:
    if not is_hr_admin(by, organisation):
        raise PermissionDenied("Only HR or an organisation admin can change the commitment")


#: Every write to a commitment or its versions locks the commitment's row, so they are
#: served one after the other.
_COMMITMENTS = LeadershipCommitment.objects.select_related("organisation")


def _locked_version(version: CommitmentVersion) -> CommitmentVersion:
    """The version read afresh under its commitment's lock."""
    commitment = lock(_COMMITMENTS, version.commitment_id)
    locked = CommitmentVersion.objects.select_related("updated_by").get(pk=version.pk)
    locked.commitment = commitment
    return locked


def _clean_text(text: str) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError({"text": _("Enter the text of the commitment.")})
    if len(cleaned) > 20000:
        raise ValidationError({"text": _("The commitment must be 20,000 characters or fewer.")})
    return cleaned + "\n"


def _require_open(version: CommitmentVersion) -> None:
    if version.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Version %(number)s has been signed, so it cannot be changed. Start a new draft.")
            % {"number": version.number}
        )


def _new_version(
    commitment: LeadershipCommitment, *, text: str, by: User, channel: Channel, summary: str
) -> CommitmentVersion:
    if commitment.versions.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("There is already a draft. Finish or change that draft instead of starting another.")
        )
    number = (commitment.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = CommitmentVersion.objects.create(
        commitment=commitment, number=number, text=text, drafted_by=by, updated_by=by
    )
    version.commitment = commitment
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=version,
        organisation_id=version.commitment.organisation_id,
        summary=summary,
    )
    return version


@transaction.atomic
def commitment_adopt_template(
    *,
    organisation: Organisation,
    by: User,
    text: str | None = None,
    channel: Channel = Channel.WEB,
) -> CommitmentVersion:
    """Start the organisation's commitment: draft 1, from our template or from ``text``."""
    _require_hr(by, organisation)
    try:
        with transaction.atomic():
            commitment, _created = LeadershipCommitment.objects.get_or_create(
                organisation=organisation, defaults={"created_by": by}
            )
    except IntegrityError:  # someone adopted it at the same moment
        commitment = LeadershipCommitment.objects.get(organisation=organisation)
    commitment = lock(_COMMITMENTS, commitment.pk)
    if commitment.versions.exists():
        raise ValidationError(
            _("%(organisation)s already has a commitment. Start a new draft from it instead.")
            % {"organisation": organisation.name}
        )
    body = template_for(organisation=organisation) if text is None else _clean_text(text)
    return _new_version(
        commitment,
        text=body,
        by=by,
        channel=channel,
        summary="Adopted the leadership commitment template"
        if text is None
        else "Started the leadership commitment",
    )


@transaction.atomic
def commitment_start_draft(
    *,
    commitment: LeadershipCommitment,
    by: User,
    text: str | None = None,
    channel: Channel = Channel.WEB,
) -> CommitmentVersion:
    """A new draft, copying the latest version's text unless ``text`` is given."""
    locked = lock(_COMMITMENTS, commitment.pk)
    _require_hr(by, locked.organisation)
    latest = locked.versions.order_by("-number").first()
    if text is None:
        body = latest.text if latest is not None else template_for(organisation=locked.organisation)
    else:
        body = _clean_text(text)
    return _new_version(
        locked,
        text=body,
        by=by,
        channel=channel,
        summary=f"Started a new draft from version {latest.number}"
        if latest is not None and text is None
        else "Started a new draft",
    )


@transaction.atomic
def draft_update(
    *,
    version: CommitmentVersion,
    expected_revision: int | None,
    text: str,
    by: User,
    channel: Channel = Channel.WEB,
) -> CommitmentVersion:
    """Change a draft's text. A draft that was ready for signature goes back to draft,
    so the sponsor is never asked to sign words they have not seen."""
    locked = _locked_version(version)
    _require_hr(by, locked.commitment.organisation)
    _require_open(locked)
    check_version(locked.revision, expected_revision, lambda: CommitmentConflict(current=locked))
    cleaned = _clean_text(text)
    if cleaned.strip() == locked.text.replace("\r\n", "\n").strip():
        return locked  # the same words, whatever the line endings: nothing to sign again
    was_ready = locked.status == VersionStatus.READY
    locked.text = cleaned
    locked.revision += 1
    locked.updated_by = by
    locked.status = VersionStatus.DRAFT
    locked.ready_at = None
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.commitment.organisation_id,
        summary=f"Changed draft version {locked.number}"
        + (" (no longer ready for signature)" if was_ready else ""),
        changes={"revision": locked.revision, "characters": len(cleaned)},
    )
    return locked


def _emails_of(organisation: Organisation, *roles: Role) -> list[str]:
    return sorted(
        set(
            organisation.memberships.with_power()
            .filter(role__in=roles, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )


@transaction.atomic
def draft_mark_ready(
    *,
    version: CommitmentVersion,
    expected_revision: int | None,
    by: User,
    channel: Channel = Channel.WEB,
) -> CommitmentVersion:
    """Hand the draft to the executive sponsors to sign, and tell them."""
    locked = _locked_version(version)
    organisation = locked.commitment.organisation
    _require_hr(by, organisation)
    _require_open(locked)
    check_version(locked.revision, expected_revision, lambda: CommitmentConflict(current=locked))
    if locked.status == VersionStatus.READY:
        return locked
    sponsors = _emails_of(organisation, Role.SPONSOR)
    if not sponsors:
        raise ValidationError(
            _(
                "Nobody at %(organisation)s holds the executive sponsor role, so nobody can sign. "
                "Ask an organisation admin to give the role to the person who will sign."
            )
            % {"organisation": organisation.name}
        )
    locked.status = VersionStatus.READY
    locked.ready_at = timezone.now()
    locked.save(update_fields=["status", "ready_at", "updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.commitment.organisation_id,
        summary=f"Marked version {locked.number} ready for signature",
    )
    transaction.on_commit(
        lambda: send_templated(
            template="commitment_ready",
            to=sponsors,
            context={"version": locked, "organisation": organisation},
        )
    )
    return locked


@transaction.atomic
def version_sign(
    *,
    version: CommitmentVersion,
    expected_revision: int | None,
    name: str,
    role: str,
    signed_on: date,
    authority_confirmed: bool,
    by: User,
    today: date | None = None,
    channel: Channel = Channel.WEB,
) -> CommitmentVersion:
    """The executive sponsor signs the words they read; from here the version is frozen."""
    locked = _locked_version(version)
    organisation = locked.commitment.organisation
    if not is_sponsor(by, organisation):
        raise PermissionDenied("Only an executive sponsor can sign the commitment")
    if locked.status != VersionStatus.READY:
        if locked.status == VersionStatus.DRAFT:
            raise ValidationError(_("This draft is not ready for signature yet."))
        _require_open(locked)
    check_version(locked.revision, expected_revision, lambda: CommitmentConflict(current=locked))
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    name, role = name.strip(), role.strip()
    if not name:
        errors["name"] = _("Enter your name as it should appear on the commitment.")
    if not role:
        errors["role"] = _("Enter your job title.")
    if signed_on > today:
        errors["signed_on"] = _("The date signed must be today or in the past.")
    elif signed_on < timezone.localdate(locked.created_at):
        errors["signed_on"] = _("The date signed cannot be before this draft was started.")
    if not authority_confirmed:
        errors["authority_confirmed"] = _(
            "Confirm that you have the authority to sign for the organisation."
        )
    if errors:
        raise ValidationError(errors)
    locked.status = VersionStatus.SIGNED
    locked.signed_by = by
    locked.signed_by_name = name[:200]
    locked.signed_by_role = role[:200]
    locked.signed_on = signed_on
    locked.signed_at = timezone.now()
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.commitment.organisation_id,
        summary=f"Signed version {locked.number} as {locked.signed_by_role}",
        changes={"signed_on": signed_on.isoformat()},
    )
    hr = _emails_of(organisation, *HR_ROLES)
    if hr:
        transaction.on_commit(
            lambda: send_templated(
                template="commitment_signed",
                to=hr,
                context={"version": locked, "organisation": organisation},
            )
        )
    return locked


@transaction.atomic
def version_publish(
    *, version: CommitmentVersion, by: User, channel: Channel = Channel.WEB
) -> CommitmentVersion:
    """Make a signed version the organisation's published commitment; the one it replaces
    is marked superseded and stays in the history."""
    locked = _locked_version(version)
    _require_hr(by, locked.commitment.organisation)
    if locked.status == VersionStatus.PUBLISHED:
        return locked
    if locked.status != VersionStatus.SIGNED:
        raise ValidationError(
            _("Only a signed version that is not yet published can be published.")
        )
    current = locked.commitment.versions.filter(status=VersionStatus.PUBLISHED).first()
    now = timezone.now()
    if current is not None:
        if current.number > locked.number:
            raise ValidationError(
                _("A newer version (%(number)s) is already published.") % {"number": current.number}
            )
        current.status = VersionStatus.SUPERSEDED
        current.superseded_at = now
        current.save(update_fields=["status", "superseded_at", "updated_at"])
        current.commitment = locked.commitment
        audit_record(
            actor=by,
            action=Action.UPDATE,
            channel=channel,
            target=current,
            organisation_id=current.commitment.organisation_id,
            summary=f"Version {current.number} replaced by version {locked.number}",
        )
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = now
    locked.published_by = by
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.commitment.organisation_id,
        summary=f"Published version {locked.number}",
    )
    return locked


@transaction.atomic
def version_withdraw(
    *, version: CommitmentVersion, reason: str, by: User, channel: Channel = Channel.WEB
) -> CommitmentVersion:
    """Take a signed or published version out of use, saying why. Nothing else is
    published in its place: a withdrawn promise should not quietly revert to an older one."""
    locked = _locked_version(version)
    _require_hr(by, locked.commitment.organisation)
    if locked.status not in {VersionStatus.SIGNED, VersionStatus.PUBLISHED}:
        raise ValidationError(_("Only a signed or published version can be withdrawn."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the commitment is being withdrawn.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason must be 2,000 characters or fewer.")})
    was_published = locked.status == VersionStatus.PUBLISHED
    locked.status = VersionStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdrawn_reason = reason
    locked.save(
        update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"]
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.commitment.organisation_id,
        summary=f"Withdrew version {locked.number}" + (" (was published)" if was_published else ""),
    )
    return locked


class PartnershipPageConflict(EditConflict):
    def __init__(self, page: PartnershipPage | None) -> None:
        super().__init__(
            _(
                "Someone changed who can see this page at %(when)s, after you opened it. "
                "Nothing has been saved: check the choice and save again."
            )
            % {"when": long_datetime(page.updated_at) if page else "?"},
            current_version=page.version if page else 0,
        )


@transaction.atomic
def partnership_page_set_public(
    *,
    partnership: Partnership,
    by: User,
    public: bool,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Show the partnership's signed commitments to anyone, signed out, or stop; only its
    leads decide. Unchanged, nothing is written. Audited outside any one organisation's log:
    the page is the partnership's."""
    if not by.has_perm("organisations.lead_partnership", partnership):
        raise PermissionDenied
    lock(Partnership, partnership.pk)
    page = PartnershipPage.objects.select_for_update().filter(partnership=partnership).first()
    check_version(
        page.version if page else 0, expected_version, lambda: PartnershipPageConflict(page)
    )
    if (page.public if page else False) == public:
        return False
    if page is None:
        page = PartnershipPage(partnership=partnership, version=0)
    page.public = public
    page.version += 1
    page.updated_by = by
    page.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=page,
        organisation_id=None,
        summary="Made the signed commitments page public"
        if public
        else "Made the signed commitments page private again",
    )
    return True
