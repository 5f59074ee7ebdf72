"""Helpers the passport views share: the viewer's own record and the audit of a read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import StaffRecord
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from passports.models import Passport


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
