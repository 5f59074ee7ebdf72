"""Writes to declarations and passports. Views, the API and commands all come here.

Every write locks the passport row, checks the version the person was looking at,
records what changed (``PassportRevision``) and writes an audit event that names the
action but never the content (the audit outlives a deletion; trust rules 5 and 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record, audit_record_many
from organisations.models import StaffRecord, StaffStatus
from passports.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    AgreedVersion,
    CarerDeclaration,
    Conversation,
    HoursBand,
    NeedKind,
    Passport,
    PassportRevision,
    PassportShare,
    Relationship,
    ShareEndReason,
)
from passports.rules import is_sharing_manager
from passports.selectors import current_line_manager
from shared.dates import long_datetime
from shared.emails import send_templated
from shared.writes import EditConflict, check_version, lock


class PassportConflict(EditConflict):
    """Someone else changed the passport after the person opened their copy (trust rule 8)."""

    def __init__(
        self, revisions: list[PassportRevision], current_version: int, *, show_values: bool
    ) -> None:
        super().__init__(
            _(
                "This passport was changed while you were editing it, so your changes have not "
                "been saved yet. Check what changed, then save again if you still want yours."
            ),
            current_version=current_version,
        )
        self.revisions = revisions
        self.show_values = show_values

    @classmethod
    def since(cls, passport: Passport, seen_version: int | None, *, by: User) -> PassportConflict:
        """The changes saved after ``seen_version``, told as ``by`` may be told them."""
        revisions = PassportRevision.objects.filter(
            passport=passport, version__gt=seen_version or 0
        )
        return cls(list(revisions), passport.version, show_values=passport.staff.user_id == by.pk)

    def describe(self) -> list[str]:
        """What the error summary says: that nothing was saved, then one line per change.

        Old and new values are shown to the carer only. A manager is told who changed what
        and when: the version they send is theirs to choose, and old values could be words
        the carer wrote before sharing, or while someone else managed them.
        """
        lines = [self.message]
        for revision in self.revisions:
            when = long_datetime(revision.at)
            for change in revision.changes:
                if not self.show_values:
                    lines.append(
                        _("%(who)s changed %(what)s at %(when)s")
                        % {"who": revision.by_name, "what": change["label"], "when": when}
                    )
                    continue
                lines.append(
                    _("%(who)s changed %(what)s at %(when)s: “%(old)s” → “%(new)s”")
                    % {
                        "who": revision.by_name,
                        "what": change["label"],
                        "when": when,
                        "old": _shorten(change["old"]) or _("(empty)"),
                        "new": _shorten(change["new"]) or _("(empty)"),
                    }
                )
        return lines


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def staff_name(staff: StaffRecord) -> str:
    return f"{staff.first_name} {staff.last_name}".strip()


#: What every write reads with the locked passport: the carer, their manager, the organisation.
_WITH_STAFF = ("staff", "staff__line_manager", "staff__organisation")


def _require(locked: Passport, by: User, permission: str = "passports.work_on_passport") -> None:
    """Services check who may write themselves: the API and commands call them too."""
    if not by.has_perm(permission, locked):
        raise PermissionDenied("Only the carer and the manager they shared with")


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _change(old: Any, new: Any, label: str) -> dict[str, str] | None:
    if _as_text(old) == _as_text(new):
        return None
    return {"label": label, "old": _as_text(old), "new": _as_text(new)}


def _commit_change(
    locked: Passport,
    *,
    by: User | None,
    changes: list[dict[str, str]],
    channel: Channel,
    summary: str,
) -> Passport:
    """Bump the version, clear signatures (what they signed has changed) and record it."""
    if not changes:
        return locked
    locked.version += 1
    locked.updated_by = by
    locked.carer_signed_version = locked.carer_signed_at = None
    locked.manager_signed_version = locked.manager_signed_at = locked.manager_signed_by = None
    locked.save()
    PassportRevision.objects.create(
        passport=locked, version=locked.version, by=by, by_name=display_name(by), changes=changes
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary=summary,
    )
    return locked


# --- Declaration -----------------------------------------------------------------------


def _clean_declaration(relationship: str, need_kinds: Iterable[str], hours_band: str) -> list[str]:
    if relationship and relationship not in Relationship.values:
        raise ValidationError({"relationship": _("Choose who you care for from the list.")})
    chosen = set(need_kinds)
    if chosen - set(NeedKind.values):
        raise ValidationError({"need_kinds": _("Choose the kind of need from the list.")})
    if hours_band and hours_band not in HoursBand.values:
        raise ValidationError({"hours_band": _("Choose the hours from the list.")})
    # In the list's order, so saving the form unchanged stores exactly what was there.
    return [kind for kind in NeedKind.values if kind in chosen]


@transaction.atomic
def carer_declare(
    *,
    staff: StaffRecord,
    relationship: str = "",
    need_kinds: Iterable[str] = (),
    hours_band: str = "",
    record_on_staff_record: bool = False,
    include_in_counts: bool = False,
    share_with_manager: bool = False,
    by: User,
    channel: Channel = Channel.WEB,
) -> CarerDeclaration:
    """Say "I am a carer", or change what was said. Creates the (empty) passport too."""
    if staff.user_id != by.pk:
        raise PermissionDenied("Only the carer can declare for themselves")
    if staff.status != StaffStatus.ACTIVE:
        raise ValidationError(_("Your staff record shows you have left this organisation."))
    kinds = _clean_declaration(relationship, need_kinds, hours_band)
    StaffRecord.objects.select_for_update().filter(pk=staff.pk).first()
    values: dict[str, Any] = {
        "relationship": relationship,
        "need_kinds": kinds,
        "hours_band": hours_band,
        "record_on_staff_record": record_on_staff_record,
        "include_in_counts": include_in_counts,
    }
    declaration = CarerDeclaration.objects.filter(staff=staff).first()
    created = declaration is None
    if declaration is None:
        declaration = CarerDeclaration.objects.create(staff=staff, **values)
        changed = True
    else:
        changed = any(getattr(declaration, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(declaration, name, value)
            declaration.save()
    passport, _new = Passport.objects.get_or_create(staff=staff, defaults={"updated_by": by})
    if changed:  # the same answers again write nothing
        audit_record(
            actor=by,
            action=Action.CREATE if created else Action.UPDATE,
            channel=channel,
            target=passport,
            organisation_id=passport.staff.organisation_id,
            summary="Declared as a carer" if created else "Changed carer declaration",
        )
    if share_with_manager:
        if current_line_manager(staff=staff) is not None:
            passport_share(passport=passport, by=by, channel=channel)  # same manager: no change
    elif passport.shares.filter(ended_at__isnull=True).exists():
        passport_unshare(passport=passport, by=by, channel=channel)
    return declaration


@transaction.atomic
def carer_forget(*, staff: StaffRecord, by: User, channel: Channel = Channel.WEB) -> None:
    """Delete the declaration and the passport for good (trust rule 7).

    Cascades remove adjustments, conversations, revisions, shares and agreed versions.
    The audit keeps one line saying a deletion happened, and nothing of what was in it.
    """
    if staff.user_id != by.pk:
        raise PermissionDenied("Only the carer can delete their passport")
    passport = Passport.objects.select_for_update().filter(staff=staff).first()
    if passport is not None:
        audit_record(
            actor=by,
            action=Action.DELETE,
            channel=channel,
            target=passport,
            organisation_id=passport.staff.organisation_id,
            summary="Deleted carer declaration and passport",
        )
        passport.delete()
    CarerDeclaration.objects.filter(staff=staff).delete()


# --- Passport sections -------------------------------------------------------------------


@transaction.atomic
def passport_update_about(
    *,
    passport: Passport,
    expected_version: int | None,
    about_caring: str,
    plan_b_contacts: str,
    plan_b_at_work: str,
    by: User,
    channel: Channel = Channel.WEB,
) -> Passport:
    """The carer's own words. Only the carer writes these sections."""
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    if locked.staff.user_id != by.pk:
        raise PermissionDenied("Only the carer writes about their caring role")
    check_version(
        locked.version,
        expected_version,
        lambda: PassportConflict.since(locked, expected_version, by=by),
    )
    changes = [
        c
        for c in (
            _change(locked.about_caring, about_caring.strip(), _("about my caring role")),
            _change(locked.plan_b_contacts, plan_b_contacts.strip(), _("who to contact")),
            _change(locked.plan_b_at_work, plan_b_at_work.strip(), _("what happens at work")),
        )
        if c
    ]
    locked.about_caring = about_caring.strip()
    locked.plan_b_contacts = plan_b_contacts.strip()
    locked.plan_b_at_work = plan_b_at_work.strip()
    return _commit_change(
        locked, by=by, changes=changes, channel=channel, summary="Changed passport sections"
    )


@transaction.atomic
def passport_set_review(
    *,
    passport: Passport,
    expected_version: int | None,
    next_review_on: date | None,
    by: User,
    today: date | None = None,
    channel: Channel = Channel.WEB,
) -> Passport:
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    _require(locked, by)
    check_version(
        locked.version,
        expected_version,
        lambda: PassportConflict.since(locked, expected_version, by=by),
    )
    today = today or timezone.localdate()
    if next_review_on is not None and next_review_on <= today:
        raise ValidationError({"next_review_on": _("The next review must be in the future.")})
    change = _change(locked.next_review_on, next_review_on, _("next review date"))
    locked.next_review_on = next_review_on
    if change:
        locked.review_reminder_sent_for = None
    return _commit_change(
        locked,
        by=by,
        changes=[change] if change else [],
        channel=channel,
        summary="Set next passport review",
    )


# --- Adjustments ---------------------------------------------------------------------------

#: What each person may set an adjustment's status to. Agreeing or declining is the
#: manager's; the carer may ask again or say something is no longer needed.
CARER_STATUSES = {AdjustmentStatus.REQUESTED, AdjustmentStatus.ENDED}
MANAGER_STATUSES = set(AdjustmentStatus)


@transaction.atomic
def adjustment_add(
    *,
    passport: Passport,
    expected_version: int | None,
    kind: str,
    details: str,
    review_on: date | None,
    by: User,
    channel: Channel = Channel.WEB,
) -> Adjustment:
    """The carer asks for an adjustment, or the manager proposes one (both start as requested)."""
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("Choose an adjustment from the list.")})
    if kind == AdjustmentKind.OTHER and not details.strip():
        raise ValidationError({"details": _("Say what would help.")})
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    _require(locked, by)
    check_version(
        locked.version,
        expected_version,
        lambda: PassportConflict.since(locked, expected_version, by=by),
    )
    by_manager = locked.staff.user_id != by.pk
    adjustment = Adjustment.objects.create(
        passport=locked,
        kind=kind,
        details=details.strip(),
        review_on=review_on,
        status=AdjustmentStatus.REQUESTED,
        proposed_by_manager=by_manager,
    )
    label = str(AdjustmentKind(kind).label)
    _commit_change(
        locked,
        by=by,
        changes=[{"label": _("adjustments"), "old": "", "new": label}],
        channel=channel,
        summary="Added an adjustment",
    )
    return adjustment


@transaction.atomic
def adjustment_update(
    *,
    adjustment: Adjustment,
    expected_version: int | None,
    details: str,
    status: str,
    review_on: date | None,
    by: User,
    channel: Channel = Channel.WEB,
) -> Adjustment:
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), adjustment.passport.pk)
    _require(locked, by)
    check_version(
        locked.version,
        expected_version,
        lambda: PassportConflict.since(locked, expected_version, by=by),
    )
    current = Adjustment.objects.select_for_update().get(pk=adjustment.pk, passport=locked)
    is_carer = locked.staff.user_id == by.pk
    if not is_carer:
        _require(locked, by, "passports.manage_passport")
    allowed = CARER_STATUSES if is_carer else MANAGER_STATUSES
    if status != current.status and status not in allowed:
        raise ValidationError(
            {"status": _("Only your line manager can agree or decline an adjustment.")}
        )
    if status not in AdjustmentStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    details = details.strip()
    if not is_carer and not current.proposed_by_manager and details != current.details:
        raise ValidationError(
            {"details": _("These are the carer's words: agree, decline or note a conversation.")}
        )
    if (
        is_carer
        and current.status in (AdjustmentStatus.AGREED, AdjustmentStatus.DECLINED)
        and status == current.status
        and (details != current.details or review_on != current.review_on)
    ):
        # Changed terms were not what the manager agreed or declined: it is asked for again.
        status = AdjustmentStatus.REQUESTED
    label = str(current.get_kind_display())
    changes = [
        c
        for c in (
            _change(current.details, details, _("details of “%s”") % label),
            _change(
                AdjustmentStatus(current.status).label,
                AdjustmentStatus(status).label,
                _("status of “%s”") % label,
            ),
            _change(current.review_on, review_on, _("review date of “%s”") % label),
        )
        if c
    ]
    if not changes:
        return current  # submitted unchanged: nothing to write, nothing to sign again
    current.details = details
    current.status = status
    current.review_on = review_on
    current.save()
    _commit_change(locked, by=by, changes=changes, channel=channel, summary="Changed an adjustment")
    return current


# --- Conversations ---------------------------------------------------------------------------


@transaction.atomic
def conversation_record(
    *, passport: Passport, held_on: date, notes: str, by: User, channel: Channel = Channel.WEB
) -> Conversation:
    """Notes are added, never rewritten; they are not part of what is signed."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The conversation date cannot be in the future.")})
    if not notes.strip():
        raise ValidationError({"notes": _("Write a short note of the conversation.")})
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    _require(locked, by)
    conversation = Conversation.objects.create(
        passport=locked,
        held_on=held_on,
        notes=notes.strip(),
        recorded_by=by,
        recorded_by_name=display_name(by),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary="Recorded a conversation",
    )
    return conversation


# --- Sharing ---------------------------------------------------------------------------------


@transaction.atomic
def passport_share(
    *, passport: Passport, by: User, channel: Channel = Channel.WEB
) -> PassportShare:
    """Share with the carer's current line manager, and nobody else (trust rule 2)."""
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    if locked.staff.user_id != by.pk or locked.staff.status != StaffStatus.ACTIVE:
        raise PermissionDenied("Only the carer, while in post, can share their passport")
    manager = current_line_manager(staff=locked.staff)
    if manager is None:
        raise ValidationError(
            _(
                "Your staff record has no line manager with an account here, so there is nobody to share with yet."
            )
        )
    open_share = locked.shares.filter(ended_at__isnull=True).first()
    if open_share is not None:
        if open_share.with_staff_id == manager.pk:
            return open_share
        _end_share(open_share, ShareEndReason.MANAGER_CHANGED)
    share = PassportShare.objects.create(passport=locked, with_staff=manager)
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary=f"Shared passport with staff record {manager.pk}",
    )
    manager_user = manager.user
    if manager_user is not None:
        transaction.on_commit(
            lambda: send_templated(
                template="passport_shared",
                to=[manager_user.email],
                context={"passport": locked, "carer": locked.staff},
            )
        )
    return share


def _end_share(share: PassportShare, reason: ShareEndReason) -> None:
    """End sharing; a signature the manager gave on the current draft goes with it."""
    share.ended_at = timezone.now()
    share.ended_reason = reason
    share.save(update_fields=["ended_at", "ended_reason"])
    Passport.objects.filter(pk=share.passport_id).update(
        manager_signed_version=None, manager_signed_at=None, manager_signed_by=None
    )


@transaction.atomic
def passport_unshare(*, passport: Passport, by: User, channel: Channel = Channel.WEB) -> None:
    """Withdraw sharing; the manager loses access at once. Agreed versions stay valid."""
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    if locked.staff.user_id != by.pk:
        raise PermissionDenied("Only the carer can stop sharing their passport")
    share = locked.shares.filter(ended_at__isnull=True).first()
    if share is None:
        return
    _end_share(share, ShareEndReason.WITHDRAWN)
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary="Stopped sharing passport",
    )


@transaction.atomic
def shares_close_stale(*, organisation_id: int, left_by_import: bool = False) -> int:
    """Close shares whose person no longer line manages the carer, and tell each carer.

    Access is already gone the moment the line manager changes (the rules check the
    current manager); this closes the record and asks the carer whether to share with
    the new manager. The staff-record services call it after any change of line
    manager or leaver, whether by page, API or import. ``left_by_import`` says that an
    import has just marked people as left: a share ended because one of its two people
    left is then recorded as such (``ShareEndReason.LEFT_BY_IMPORT``), so that a corrected
    import can share it again (``shares_restore_after_import``).
    """
    in_post = StaffStatus.ACTIVE
    stale = list(
        PassportShare.objects.select_for_update(of=("self",))
        .filter(passport__staff__organisation_id=organisation_id, ended_at__isnull=True)
        .filter(
            Q(passport__staff__line_manager__isnull=True)
            | ~Q(passport__staff__line_manager_id=F("with_staff_id"))
            | ~Q(passport__staff__status=in_post)
            | ~Q(with_staff__status=in_post)
        )
        .select_related("passport", "passport__staff", "passport__staff__user", "with_staff")
        .select_related("passport__staff__organisation", "passport__staff__line_manager")
    )
    for share in stale:
        carer = share.passport.staff
        left = carer.status != in_post or share.with_staff.status != in_post
        if left_by_import and left:
            _end_share(share, ShareEndReason.LEFT_BY_IMPORT)
            summary = "Sharing ended: a staff import marked the carer or their manager as left"
        else:
            _end_share(share, ShareEndReason.MANAGER_CHANGED)
            summary = "Sharing ended: the line manager changed"
        audit_record(
            actor=None,
            action=Action.UPDATE,
            channel=Channel.SYSTEM,
            target=share.passport,
            organisation_id=share.passport.staff.organisation_id,
            summary=summary,
        )
        if carer.user is not None and carer.status == in_post:
            _tell_carer_manager_changed(carer, carer.user.email)
    return len(stale)


def _tell_carer_manager_changed(carer: StaffRecord, email: str) -> None:
    new_manager = current_line_manager(staff=carer)
    transaction.on_commit(
        lambda: send_templated(
            template="passport_manager_changed",
            to=[email],
            context={"carer": carer, "new_manager": new_manager},
        )
    )


@transaction.atomic
def shares_restore_after_import(*, organisation_id: int) -> int:
    """Share again what a staff import's leaving ended, where a later import put it right.

    An import that marked people as left by mistake (a partial file given as complete)
    ended their passport shares (``ShareEndReason.LEFT_BY_IMPORT``). Once a later import
    has put things back, each such share that ended within ``STAFF_IMPORT_RESTORE_DAYS``
    is made again, as a new share with the same person, when all of these hold now:

    - the carer and the person it was shared with are both in post, and that person is the
      carer's line manager again (otherwise the carer may share with whoever manages them
      now, from their passport page, as after any change of manager: trust rule 2);
    - the carer has not shared the passport since, with anyone: what they chose meanwhile
      stands, and a share is never made twice;
    - that person still has an account, as any share needs.

    A manager's signature on the draft, which ended with the share, does not come back:
    they sign again. Each share made is audited, and the carer is told by email with how
    to stop sharing. Returns how many shares were made.
    """
    if settings.STAFF_IMPORT_RESTORE_DAYS <= 0:
        return 0
    in_post = StaffStatus.ACTIVE
    since = timezone.now() - timedelta(days=settings.STAFF_IMPORT_RESTORE_DAYS)
    later = PassportShare.objects.filter(passport_id=OuterRef("passport_id"), pk__gt=OuterRef("pk"))
    ended = list(
        PassportShare.objects.select_for_update(of=("self",))
        .filter(
            passport__staff__organisation_id=organisation_id,
            ended_reason=ShareEndReason.LEFT_BY_IMPORT,
            ended_at__gte=since,
            passport__staff__status=in_post,
            with_staff__status=in_post,
            with_staff__user__isnull=False,
            passport__staff__line_manager_id=F("with_staff_id"),
        )
        .exclude(Exists(later))
        .select_related("passport__staff__user", "passport__staff__organisation", "with_staff")
        .order_by("pk")
    )
    if not ended:
        return 0
    PassportShare.objects.bulk_create(
        PassportShare(passport_id=share.passport_id, with_staff_id=share.with_staff_id)
        for share in ended
    )
    audit_record_many(
        actor=None,
        action=Action.UPDATE,
        channel=Channel.SYSTEM,
        object_type="passports.passport",
        organisation_id=organisation_id,
        entries=[
            (
                str(share.passport_id),
                f"Shared passport with staff record {share.with_staff_id} again: a staff import "
                "put back in post who an earlier import had marked as left",
                {"share_ended_at": share.ended_at.isoformat() if share.ended_at else ""},
            )
            for share in ended
        ],
    )
    for share in ended:
        carer = share.passport.staff
        if carer.user is not None:
            _tell_carer_share_restored(carer, share.with_staff, carer.user.email)
    return len(ended)


def _tell_carer_share_restored(carer: StaffRecord, manager: StaffRecord, email: str) -> None:
    transaction.on_commit(
        lambda: send_templated(
            template="passport_share_restored",
            to=[email],
            context={"carer": carer, "manager": manager},
        )
    )


# --- Agreement ---------------------------------------------------------------------------------


def passport_snapshot(passport: Passport) -> dict[str, Any]:
    """What both people sign: the sections, the adjustments and the review date."""
    return {
        "carer": staff_name(passport.staff),
        "organisation": passport.staff.organisation.name,
        "about_caring": passport.about_caring,
        "plan_b_contacts": passport.plan_b_contacts,
        "plan_b_at_work": passport.plan_b_at_work,
        "next_review_on": passport.next_review_on.isoformat() if passport.next_review_on else None,
        "adjustments": [
            {
                "kind": a.kind,
                "label": str(a.get_kind_display()),
                "details": a.details,
                "status": a.status,
                "review_on": a.review_on.isoformat() if a.review_on else None,
            }
            for a in passport.adjustments.all().order_by("created_at", "id")
        ],
    }


@dataclass(frozen=True)
class SignResult:
    agreed: AgreedVersion | None
    waiting_for: str  # "carer", "manager" or "" once agreed


@transaction.atomic
def passport_sign(
    *, passport: Passport, expected_version: int | None, by: User, channel: Channel = Channel.WEB
) -> SignResult:
    """Sign the draft as it stands. When both have signed the same draft, freeze a version."""
    locked = lock(Passport.objects.select_related(*_WITH_STAFF), passport.pk)
    check_version(
        locked.version,
        expected_version,
        lambda: PassportConflict.since(locked, expected_version, by=by),
    )
    if not locked.adjustments.exists() and not locked.about_caring:
        raise ValidationError(
            _("Add what helps you, or something about your caring role, before signing.")
        )
    now = timezone.now()
    if locked.staff.user_id == by.pk:
        locked.carer_signed_version, locked.carer_signed_at = locked.version, now
        who = "carer"
    else:
        manager = current_line_manager(staff=locked.staff)
        if (
            manager is None
            or manager.user_id != by.pk
            or not by.has_perm("passports.manage_passport", locked)
        ):
            raise PermissionDenied("Only the carer and the manager they shared with can sign")
        if locked.adjustments.filter(status=AdjustmentStatus.REQUESTED).exists():
            raise ValidationError(_("Agree or decline each requested adjustment before you sign."))
        locked.manager_signed_version, locked.manager_signed_at = locked.version, now
        locked.manager_signed_by = manager
        who = "manager"
    # A manager's signature counts only while they still manage the carer and are shared with.
    sharing = current_line_manager(staff=locked.staff)
    sharing_user = sharing.user if sharing is not None else None
    if sharing_user is None or not is_sharing_manager(sharing_user, locked):
        sharing_user = None
    if locked.manager_signed_by_id is not None and (
        sharing is None or locked.manager_signed_by_id != sharing.pk or sharing_user is None
    ):
        locked.manager_signed_version = locked.manager_signed_at = locked.manager_signed_by = None
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary=f"Signed passport as {who}",
    )
    both = (
        locked.carer_signed_version == locked.version
        and locked.manager_signed_version == locked.version
    )
    if not both:
        # Only someone who may read the passport hears about it: a manager the carer has
        # not shared with must not learn from an email that the carer has one.
        other_user = sharing_user if who == "carer" else locked.staff.user
        if other_user is not None:
            transaction.on_commit(
                lambda: send_templated(
                    template="passport_signature_needed",
                    to=[other_user.email],
                    context={
                        "passport": locked,
                        "carer": locked.staff,
                        "signed_by": display_name(by),
                    },
                )
            )
        return SignResult(agreed=None, waiting_for="manager" if who == "carer" else "carer")
    number = (locked.agreed_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    assert locked.carer_signed_at
    assert locked.manager_signed_at
    assert locked.manager_signed_by
    agreed = AgreedVersion.objects.create(
        passport=locked,
        number=number,
        draft_version=locked.version,
        agreed_at=now,
        carer_signed_at=locked.carer_signed_at,
        manager_signed_at=locked.manager_signed_at,
        manager_name=staff_name(locked.manager_signed_by),
        content=passport_snapshot(locked),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=locked,
        organisation_id=locked.staff.organisation_id,
        summary=f"Agreed version {number}",
    )
    return SignResult(agreed=agreed, waiting_for="")
