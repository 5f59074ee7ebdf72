"""Helpers the passport views share: the viewer's own record and clash handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import StaffRecord
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from passports.models import Passport
from passports.services import PassportConflict

T = TypeVar("T")


def own_record(request: OrgRequest) -> StaffRecord:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is None:
        raise PermissionDenied("A passport needs a staff record in this organisation")
    return record


def audit_view(
    request: OrgRequest, passport: Passport, summary: str, action: Action = Action.VIEW
) -> None:
    audit_record(
        actor=request.user,
        action=action,
        channel=Channel.WEB,
        target=passport,
        organisation_id=request.organisation.pk,
        summary=summary,
    )


def attempt[T](form: forms.Form, write: Callable[[], T]) -> T | None:
    """Run a service write; put a clash or a rule failure on the form, keeping what was typed.

    On a clash the hidden version moves on, so saving again applies this person's
    values knowingly over the other change they have now been shown.
    """
    try:
        return write()
    except PassportConflict as conflict:
        form.add_error(
            None,
            "This passport was changed while you were editing it, so your changes have not "
            "been saved yet. Check what changed, then save again if you still want yours.",
        )
        for line in conflict.describe():
            form.add_error(None, line)
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(conflict.current_version)
        form.data = data
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    return None
