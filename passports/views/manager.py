"""The line manager's list of passports their team shared with them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import Action, Channel
from audit.services import audit_record_many
from organisations.access import org_view
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from passports.selectors import shared_with_manager


@require_safe
@org_view("organisations.use_organisation")
def team_passports(request: OrgRequest) -> HttpResponse:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    passports = shared_with_manager(manager=record) if record is not None else []
    if passports:
        # Seeing a name on this list tells the manager someone is a carer: that is a read.
        audit_record_many(
            actor=request.user,
            action=Action.VIEW,
            channel=Channel.WEB,
            object_type="passports.passport",
            entries=[(str(p.pk), "Listed in team passports", {}) for p in passports],
            organisation_id=request.organisation.pk,
        )
    return render(
        request,
        "passports/team.html",
        {
            "organisation": request.organisation,
            "passports": passports,
            "today": timezone.localdate(),
        },
    )
