from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from organisations.access import org_view
from organisations.hooks import (
    HomeViewer,
    WaitingItem,
    cards_for,
    figures_for,
    waiting_for_viewer,
)
from organisations.selectors import (
    direct_reports,
    has_left,
    home_viewer,
    roles_in,
    staff_record_for_user,
)
from organisations.types import OrgRequest


def _urgency(item: WaitingItem, viewer: HomeViewer) -> str:
    """The tag beside an item: "overdue" or "today" once its deadline has come, else none."""
    if item.due is None or item.due > viewer.today:
        return ""
    return "today" if item.due == viewer.today else "overdue"


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
    viewer = home_viewer(
        user=request.user, organisation=organisation, record=record, today=timezone.localdate()
    )
    context = {
        "organisation": organisation,
        "roles": roles_in(user=request.user, organisation=organisation),
        "record": record,
        "report_count": viewer.report_count,
        # The feature apps' cards, each app's own (organisations.hooks.home_cards).
        "cards": cards_for(viewer),
        # Figures for those who answer for them (organisations.hooks.home_figures).
        "figures": figures_for(viewer),
        # What waits for this person to act on, the soonest deadline first.
        "waiting": [(item, _urgency(item, viewer)) for item in waiting_for_viewer(viewer)],
        "can": {
            "staff": request.user.has_perm("organisations.view_staff", organisation),
            "members": request.user.has_perm("organisations.manage_members", organisation),
            "audit": request.user.has_perm("organisations.view_audit", organisation),
            "language": request.user.has_perm("organisations.change_language", organisation),
            "tokens": request.user.has_perm("api.manage_tokens", organisation),
            "trusted_issuers": request.user.has_perm(
                "credentials.manage_trusted_issuers", organisation
            ),
            "signing_keys": request.user.has_perm("credentials.manage_signing_keys", organisation),
            "sign_on": request.user.has_perm("organisations.manage_sign_on", organisation),
        },
    }
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
