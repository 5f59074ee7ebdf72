"""Downloads: the organisation's plan as CSV, XLSX and PDF; a personal plan for its owner."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from organisations.access import org_view
from organisations.types import OrgRequest
from plans.documents import org_plan_pdf, personal_plan_pdf
from plans.exports import org_plan_csv, org_plan_xlsx, personal_plan_csv
from plans.models import OrgPlan, PersonalPlan
from plans.selectors import access_org_plan, access_own_personal_plan, org_plan_layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _name(title: str, extension: str) -> str:
    return f"{slugify(title)[:60] or 'plan'}-{timezone.localdate():%Y%m%d}.{extension}"


def _org_export(request: OrgRequest, pk: int, kind: str) -> tuple[OrgPlan, HttpResponse]:
    plan = access_org_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    blocks = org_plan_layout(plan=plan)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        channel=Channel.WEB,
        target=plan,
        organisation_id=request.organisation.pk,
        summary=f"Downloaded the action plan “{plan.title}” as {kind.upper()}",
    )
    if kind == "csv":
        return plan, _download(
            org_plan_csv(plan, blocks), "text/csv; charset=utf-8", _name(plan.title, "csv")
        )
    if kind == "xlsx":
        return plan, _download(org_plan_xlsx(plan, blocks), XLSX, _name(plan.title, "xlsx"))
    return plan, _download(org_plan_pdf(plan, blocks), "application/pdf", _name(plan.title, "pdf"))


@require_safe
@org_view("plans.use_plans")
def org_plan_export_csv(request: OrgRequest, pk: int) -> HttpResponse:
    return _org_export(request, pk, "csv")[1]


@require_safe
@org_view("plans.use_plans")
def org_plan_export_xlsx(request: OrgRequest, pk: int) -> HttpResponse:
    return _org_export(request, pk, "xlsx")[1]


@require_safe
@org_view("plans.use_plans")
def org_plan_export_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    return _org_export(request, pk, "pdf")[1]


def _personal_export(request: OrgRequest, pk: int, kind: str) -> tuple[PersonalPlan, list]:  # type: ignore[type-arg]
    plan = access_own_personal_plan(viewer=request.user, organisation=request.organisation, pk=pk)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        channel=Channel.WEB,
        target=plan,
        organisation_id=request.organisation.pk,
        summary=f"Downloaded a personal action plan as {kind.upper()}",
    )
    return plan, list(plan.rows.all())


@require_safe
@org_view("plans.use_plans")
def personal_plan_export_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    """For the owner only: someone it is shared with reads it on the page."""
    plan, rows = _personal_export(request, pk, "pdf")
    return _download(personal_plan_pdf(plan, rows), "application/pdf", _name(plan.title, "pdf"))


@require_safe
@org_view("plans.use_plans")
def personal_plan_export_csv(request: OrgRequest, pk: int) -> HttpResponse:
    plan, rows = _personal_export(request, pk, "csv")
    return _download(
        personal_plan_csv(plan, rows), "text/csv; charset=utf-8", _name(plan.title, "csv")
    )
