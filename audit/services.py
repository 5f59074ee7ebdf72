"""One way in for audit writes, so every app records events the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from audit.models import Action, AuditEvent, Channel

if TYPE_CHECKING:
    # The user model named by settings.AUTH_USER_MODEL, as django-stubs' plugin reads this
    # alias: the audit log, below accounts, does not import the app that defines it.
    from django.contrib.auth.models import _User as User


def _label(actor: User | None) -> str:
    if actor is None:
        return "system"
    return actor.email


def audit_record(
    *,
    actor: User | None,
    action: Action,
    channel: Channel,
    target: models.Model,
    organisation_id: int | None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event about ``target``; call inside the transaction that makes the change."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_label(actor),
        organisation_id=organisation_id,
        action=action,
        channel=channel,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        summary=summary[:300],
        changes=changes or {},
    )


def audit_record_many(
    *,
    actor: User | None,
    action: Action,
    channel: Channel,
    object_type: str,
    entries: Iterable[tuple[str, str, dict[str, Any]]],
    organisation_id: int | None,
    batch_size: int = 2000,
) -> int:
    """Append many events at once (imports); ``entries`` are (object_id, summary, changes)."""
    label = _label(actor)
    rows = [
        AuditEvent(
            actor=actor,
            actor_label=label,
            organisation_id=organisation_id,
            action=action,
            channel=channel,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            changes=changes,
        )
        for object_id, summary, changes in entries
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def audit_record_operation(
    *,
    action: Action,
    channel: Channel,
    object_type: str,
    object_id: str,
    summary: str,
    changes: dict[str, Any],
) -> AuditEvent:
    """Append one event about something that is not a row of a model, done by the system or
    an operator at the command line (a month of the audit log archived and dropped)."""
    return AuditEvent.objects.create(
        actor=None,
        actor_label=_label(None),
        organisation_id=None,
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=changes,
    )
