"""Invitations: how people join an organisation.

The invitations' table belongs to accounts (``accounts.models.Invitation``), where it began;
what an invitation does, granting a role in an organisation, is this app's.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Invitation, Organisation, Role, StaffRecord
from organisations.selectors import roles_grantable_by
from organisations.services import lock_organisation, membership_grant, staff_record_link_user
from shared.emails import send_templated
from shared.outbox import new_message_id

INVITATION_LIFETIME = timedelta(days=14)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(
    *,
    organisation: Organisation,
    email: str,
    role: Role,
    staff_record: StaffRecord | None,
    by: User,
) -> Invitation:
    """Create an invitation and email its link; the link works once, for 14 days."""
    email = email.strip().lower()
    if role not in roles_grantable_by(user=by, organisation=organisation):
        raise PermissionDenied("This role cannot be granted by the inviter")
    # A bulk invitation's step takes it too, so each sees the other's invitations.
    lock_organisation(organisation.pk)
    if staff_record is not None:
        if staff_record.organisation_id != organisation.pk:
            raise ValidationError(
                {"staff_record": _("Choose a member of staff of this organisation.")}
            )
        if staff_record.user is not None and staff_record.user.email != email:
            raise ValidationError(
                {"staff_record": _("This staff record already belongs to another account.")}
            )
    token, token_hash = invitation_token()
    expires_at = timezone.now() + INVITATION_LIFETIME
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        staff_record=staff_record,
        token_hash=token_hash,
        invited_by=by,
        expires_at=expires_at,
        message_id=new_message_id(),
    )
    invitation_email_send(invitation=invitation, token=token)
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=Channel.WEB,
        target=invitation,
        organisation_id=organisation.pk,
        summary=f"Invited {email} as {role.label}",
    )
    return invitation


def invitation_token() -> tuple[str, str]:
    """A new link token and the hash that is all the database keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, _hash(token)


def invitation_email_send(*, invitation: Invitation, token: str, reads: str | None = None) -> None:
    """Queue the invitation's email through the outbox, under the Message-ID the invitation
    holds, by which a bounce finds it. In the caller's transaction, once the invitation is
    saved: the email goes only if the invitation is kept. ``reads``: the invitee's language,
    if already found (``shared.emails.recipient_languages``)."""
    send_templated(
        template="invitation",
        to=[invitation.email],
        language=invitation.organisation.default_language,
        context={
            "organisation": invitation.organisation,
            "role": Role(invitation.role).label,
            # By name, as people know each other; the address only when there is none.
            "inviter": display_name(invitation.invited_by),
            "path": reverse("organisations:invitation_accept", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
        message_id=invitation.message_id,
        reads=reads,
    )


def invitations_mark_bounced(message_ids: list[str]) -> int:
    """Invitations whose email never arrived (refused, or bounced back later): HR sees them on
    the invitations pages, to correct the address. Returns how many were marked."""
    return Invitation.objects.filter(
        message_id__in=message_ids, bounced_at__isnull=True, accepted_at__isnull=True
    ).update(bounced_at=timezone.now())


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation for a link, or None if it is unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("organisation", "staff_record")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Join the organisation; creates the account when the person has none."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    inviter = locked.invited_by
    if inviter is None or Role(locked.role) not in roles_grantable_by(
        user=inviter, organisation=locked.organisation
    ):
        # The person who invited them no longer holds a role that may grant this one.
        raise ValidationError(
            _("This invitation is no longer valid. Ask your HR team for a new one.")
        )
    if user is None:
        if User.objects.filter(email__iexact=locked.email).exists():
            raise ValidationError(
                _("An account with this email address already exists. Sign in first.")
            )
        user = User.objects.create_user(
            email=locked.email, password=password, first_name=first_name, last_name=last_name
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    membership_grant(
        user=user,
        organisation=locked.organisation,
        role=Role(locked.role),
        by=user,
        channel=Channel.WEB,
    )
    if locked.role != Role.EMPLOYEE:
        membership_grant(
            user=user,
            organisation=locked.organisation,
            role=Role.EMPLOYEE,
            by=user,
            channel=Channel.WEB,
        )
    if locked.staff_record is not None:
        staff_record_link_user(record=locked.staff_record, user=user, by=user, channel=Channel.WEB)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw an unused invitation: its link stops working at once."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        return
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=Channel.WEB,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Withdrew the invitation to {locked.email}",
    )
    locked.delete()


def invitations_purge_expired() -> int:
    """Expired, unused invitations are removed; they name people who never joined."""
    deleted, _details = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=timezone.now() - timedelta(days=30)
    ).delete()
    return deleted
