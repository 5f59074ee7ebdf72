"""Reads of the audit log, with carers' private records kept out of organisation views."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEvent

#: Object types whose events only their owner may read (for example a carer's passport):
#: even "Viewed passport 12" tells an administrator that someone is a carer.
_PRIVATE_OBJECT_TYPES: set[str] = set()


def register_private_object_type(label_lower: str) -> None:
    """Called from an app's ``ready()`` for models that belong to one person."""
    _PRIVATE_OBJECT_TYPES.add(label_lower)


def private_object_types() -> list[str]:
    return sorted(_PRIVATE_OBJECT_TYPES)


def events_for_organisation(*, organisation_id: int) -> QuerySet[AuditEvent]:
    """The organisation's entries, newest first, each with the account that acted (one join,
    so naming the people on a page costs no query per row; None once an account is deleted)."""
    return (
        AuditEvent.objects.filter(organisation_id=organisation_id)
        .exclude(object_type__in=sorted(_PRIVATE_OBJECT_TYPES))
        .select_related("actor")
        .order_by("-at", "-id")
    )
