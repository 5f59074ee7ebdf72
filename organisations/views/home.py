from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from leave.deputies import managers_deputised
from organisations.access import org_view
from organisations.models import StaffStatus
from organisations.selectors import (
    direct_reports,
    has_left,
    roles_in,
    staff_record_for_user,
)
from organisations.types import OrgRequest
from passports.selectors import shared_with_manager


@require_safe
@org_view("organisations.use_own_records")
def organisation_home(request: OrgRequest) -> HttpResponse:
    """Each person's starting point: only what their roles and records let them do."""
    organisation = request.organisation
    record = staff_record_for_user(user=request.user, organisation=organisation)
    if has_left(user=request.user, organisation=organisation):
        return render(
            request,
            "organisations/home_left.html",
            {"organisation": organisation, "record": record},
        )
    shared = shared_with_manager(manager=record) if record else []
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "roles": roles_in(user=request.user, organisation=organisation),
        "record": record,
        "report_count": direct_reports(manager=record).count() if record else 0,
        # Counts only: names appear on the team passports page, where each read is audited.
        "shared_passports": len(shared),
        "reviews_overdue": sum(1 for p in shared if p.next_review_on and p.next_review_on < today),
        "can": {
            "staff": request.user.has_perm("organisations.view_staff", organisation),
            "members": request.user.has_perm("organisations.manage_members", organisation),
            "audit": request.user.has_perm("organisations.view_audit", organisation),
            "tokens": request.user.has_perm("api.manage_tokens", organisation),
            "trusted_issuers": request.user.has_perm(
                "credentials.manage_trusted_issuers", organisation
            ),
            "signing_keys": request.user.has_perm("credentials.manage_signing_keys", organisation),
        },
    }
    # Only someone who manages people in post, or stands in for such a manager today, decides
    # requests: nobody else is told to "decide your team's requests".
    context["decides_requests"] = bool(context["report_count"]) or bool(
        record is not None
        and record.status == StaffStatus.ACTIVE
        and managers_deputised(deputy=record, on=today)
    )
    return render(request, "organisations/home.html", context)


@require_safe
@org_view("organisations.use_own_records")
def my_record(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    record = staff_record_for_user(user=request.user, organisation=organisation)
    if record is not None:
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            channel=Channel.WEB,
            target=record,
            organisation_id=organisation.pk,
            summary="Viewed own staff record",
        )
    return render(
        request, "organisations/my_record.html", {"record": record, "organisation": organisation}
    )


@require_safe
@org_view("organisations.use_organisation")
def my_team(request: OrgRequest) -> HttpResponse:
    """A line manager's direct reports; managing is read from the staff records."""
    organisation = request.organisation
    record = staff_record_for_user(user=request.user, organisation=organisation)
    reports = list(direct_reports(manager=record)) if record else []
    return render(
        request, "organisations/my_team.html", {"reports": reports, "organisation": organisation}
    )
