from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from leave import exports
from leave.calendar import calendar_feed_for, calendar_feed_read, calendar_feed_renew
from leave.deputies import deputy_appoint, deputy_end
from leave.forms import (
    CarersLeaveDecisionForm,
    CarersLeaveForm,
    DependantsTimeOffForm,
    DeputyForm,
    LeaveExportForm,
    LeavePolicyForm,
    StatusFilterForm,
)
from leave.models import CarersLeaveRequest, RequestStatus
from leave.payroll import audit_export, rows_between
from leave.preview import carers_leave_days_between, carers_leave_preview
from leave.selectors import (
    CarersLeaveAccess,
    access_carers_leave_request,
    access_deputy,
    audit_absences_read,
    audit_list_read,
    balance_for,
    balance_on_each_day,
    carers_leave_in_organisation,
    deputies_named_by,
    leave_policy_of,
    requests_of,
    requests_to_decide,
    team_absences,
    time_off_of,
)
from leave.services import (
    LeaveRuleError,
    carers_leave_accept,
    carers_leave_cancel,
    carers_leave_postpone,
    carers_leave_request,
    decision_read,
    dependants_time_off_record,
    leave_policy_update,
)
from organisations.access import org_view
from organisations.models import Nation, StaffRecord, StaffStatus
from organisations.selectors import direct_reports, staff_record_for_user
from organisations.types import OrgRequest
from shared.calendars import feed_response
from shared.forms import attempt
from shared.once import one_submission


def _own_record(request: OrgRequest) -> StaffRecord:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is None:
        raise PermissionDenied("Carer's leave needs a staff record in this organisation")
    return record


@require_safe
@org_view("organisations.use_own_records")
def leave_home(request: OrgRequest) -> HttpResponse:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    context: dict[str, object] = {
        "organisation": request.organisation,
        "record": record,
        "can_set_policy": request.user.has_perm("leave.manage_policy", request.organisation),
        "can_see_all": request.user.has_perm("leave.view_all_requests", request.organisation),
        "can_export": request.user.has_perm("leave.export_leave", request.organisation),
    }
    if record is not None:
        context |= {
            "balance": balance_for(staff=record, on=timezone.localdate()),
            "requests": requests_of(staff=record),
            "time_off": time_off_of(staff=record)[:20],
            "to_decide": requests_to_decide(manager=record).count(),
        }
    return render(request, "leave/home.html", context)


def _days_typed(form: CarersLeaveForm, record: StaffRecord) -> list[tuple[date, str]]:
    """The days a (bound) form asks for, or none while its dates are missing or wrong."""
    if not form.is_bound or form.has_error("first_day") or form.has_error("last_day"):
        return []
    if form.cleaned_data.get("first_day") is None:
        return []
    return carers_leave_days_between(staff=record, **form.leave_range())


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def carers_leave_new(request: OrgRequest) -> HttpResponse:
    """Ask for carer's leave. "Check" (the page without JavaScript) shows what the days mean
    and any rule they break, without sending anything."""
    record = _own_record(request)
    today = timezone.localdate()
    form = CarersLeaveForm(request.POST or None)
    checking = "check" in request.POST
    days = _days_typed(form, record)
    preview = carers_leave_preview(staff=record, days=days, today=today)
    if form.is_bound and form.is_valid() and checking and preview.problem:
        form.add_error("first_day", preview.problem)
    elif form.is_bound and form.is_valid() and not checking:
        leave = attempt(
            form,
            lambda: carers_leave_request(
                staff=record,
                days=days,
                note=form.cleaned_data["note"],
                by=request.user,
                today=today,
            ),
            field="first_day",
        )
        if leave is not None:
            messages.success(request, _("Your request has gone to your line manager."))
            return redirect(
                "leave:carers_leave_detail", org_slug=request.organisation.slug, pk=leave.pk
            )
    return render(
        request,
        "leave/carers_leave_form.html",
        {
            "organisation": request.organisation,
            "form": form,
            "record": record,
            "preview": preview,
        },
    )


@require_safe
@org_view("organisations.use_organisation")
def carers_leave_check(request: OrgRequest) -> HttpResponse:
    """The summary beside the request form, for the days in the query: the page's script
    fetches it as the person types. Only for someone who may use the form: their own record."""
    record = _own_record(request)
    days = _days_typed(CarersLeaveForm(request.GET), record)
    return render(
        request,
        "leave/_carers_leave_summary.html",
        {"preview": carers_leave_preview(staff=record, days=days, today=timezone.localdate())},
    )


def _detail_page(
    request: OrgRequest,
    leave: CarersLeaveRequest,
    access: CarersLeaveAccess,
    decision_form: CarersLeaveDecisionForm | None = None,
) -> HttpResponse:
    """The request's page; ``decision_form`` is a decision posted with errors."""
    return render(
        request,
        "leave/carers_leave_detail.html",
        {
            "organisation": request.organisation,
            "leave": leave,
            "access": access,
            "days": balance_on_each_day(staff=leave.staff, request=leave),
            "form": decision_form or CarersLeaveDecisionForm(),
        },
    )


@require_safe
@org_view("organisations.use_own_records")
def carers_leave_detail(request: OrgRequest, pk: int) -> HttpResponse:
    leave, access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=leave,
        organisation_id=request.organisation.pk,
        summary=f"Viewed carer's leave request {leave.pk}",
    )
    decision_read(request=leave, by=request.user)
    return _detail_page(request, leave, access)


@require_POST
@org_view("organisations.use_organisation")
def carers_leave_decide(request: OrgRequest, pk: int) -> HttpResponse:
    """The manager agrees or postpones; a decision with errors is shown again on the page."""
    leave, access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_decide:
        raise PermissionDenied
    form = CarersLeaveDecisionForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        if decision == "accept":
            decided = attempt(form, lambda: carers_leave_accept(request=leave, by=request.user))
            done = _("Agreed. %(name)s has been told.")
        else:
            decided = attempt(
                form,
                lambda: carers_leave_postpone(
                    request=leave,
                    by=request.user,
                    new_first_day=form.cleaned_data["new_first_day"],
                    reason=form.cleaned_data["reason"],
                    today=timezone.localdate(),
                ),
            )
            done = _("Postponed. %(name)s has been told the new dates and why.")
        if decided is not None:
            messages.success(request, done % {"name": leave.staff.full_name})
            return redirect(
                "leave:carers_leave_detail", org_slug=request.organisation.slug, pk=leave.pk
            )
    return _detail_page(request, leave, access, form)


@require_POST
@org_view("organisations.use_organisation")
def carers_leave_cancel_view(request: OrgRequest, pk: int) -> HttpResponse:
    leave, access = access_carers_leave_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_cancel:
        raise PermissionDenied
    try:
        carers_leave_cancel(request=leave, by=request.user, today=timezone.localdate())
    except LeaveRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cancelled. The days are back in your balance."))
    return redirect("leave:home", org_slug=request.organisation.slug)


@require_safe
@org_view("organisations.use_organisation")
def team_leave(request: OrgRequest) -> HttpResponse:
    """Requests from the people this person line manages that wait for a decision."""
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    pending = list(requests_to_decide(manager=record)) if record else []
    audit_list_read(
        viewer=request.user,
        organisation_id=request.organisation.pk,
        items=pending,
        where="the team's leave requests",
    )
    return render(
        request,
        "leave/team.html",
        {
            "organisation": request.organisation,
            "pending": pending,
            # A deputy who manages nobody decides here too, but has nobody to name a deputy for.
            "manages_people": record is not None and direct_reports(manager=record).exists(),
        },
    )


PAGE_SIZE = 50


def filtered_page(
    request: OrgRequest, statuses: list[tuple[str, Any]]
) -> tuple[StatusFilterForm, str, dict[str, str]]:
    """The status filter of an HR list, the status chosen (or ""), and what pagination keeps."""
    form = StatusFilterForm(request.GET or None, statuses=statuses)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    query = request.GET.copy()
    query.pop("page", None)
    return form, status, {"query": query.urlencode()}


def paginate(request: OrgRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@org_view("leave.view_all_requests")
def carers_leave_all(request: OrgRequest) -> HttpResponse:
    """HR's list of every carer's leave request in the organisation, by status."""
    organisation = request.organisation
    form, status, extra = filtered_page(request, RequestStatus.choices)
    page = paginate(
        request, carers_leave_in_organisation(organisation_id=organisation.pk, status=status)
    )
    audit_list_read(
        viewer=request.user,
        organisation_id=organisation.pk,
        items=list(page.object_list),
        where="HR's list of carer's leave requests",
    )
    return render(
        request,
        "leave/all_requests.html",
        {"organisation": organisation, "form": form, "page": page, **extra},
    )


_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
@org_view("leave.export_leave")
def leave_export(request: OrgRequest) -> HttpResponseBase:
    """HR's download of the organisation's leave for payroll: the page asks for the dates and
    the kind of file; with them filled in, the file comes back, written as it is read."""
    organisation = request.organisation
    today = timezone.localdate()
    form = LeaveExportForm(
        request.GET or None,
        initial={"start": today.replace(day=1), "end": today, "format": "csv"},
    )
    if not form.is_valid():
        return render(request, "leave/export.html", {"organisation": organisation, "form": form})
    start, end, file_format = (form.cleaned_data[k] for k in ("start", "end", "format"))
    audit_export(
        viewer=request.user,
        organisation=organisation,
        start=start,
        end=end,
        file_format=file_format,
        channel=Channel.WEB,
    )
    rows = rows_between(
        viewer=request.user, organisation=organisation, start=start, end=end, today=today
    )
    content = (
        exports.csv_lines(rows)
        if file_format == "csv"
        else exports.xlsx_blocks(rows, title=_("Leave"))
    )
    response = StreamingHttpResponse(content, content_type=_CONTENT_TYPES[file_format])
    # The file's name says only which dates it covers (trust rule 11).
    response["Content-Disposition"] = f'attachment; filename="leave-{start}-to-{end}.{file_format}"'
    return response


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def dependants_time_off_new(request: OrgRequest) -> HttpResponse:
    """Record emergency time off for yourself or, as a line manager, for someone you manage."""
    record = _own_record(request)
    reports = list(direct_reports(manager=record))
    people = [(str(record.pk), _("Me")), *((str(r.pk), r.full_name) for r in reports)]
    form = DependantsTimeOffForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = next(r for r in [record, *reports] if str(r.pk) == form.cleaned_data["who"])
        recorded = attempt(
            form,
            lambda: dependants_time_off_record(
                staff=chosen,
                first_day=form.cleaned_data["first_day"],
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
                by=request.user,
                today=timezone.localdate(),
            ),
            field="first_day",
        )
        if recorded is not None:
            messages.success(request, _("Time off for dependants recorded."))
            return redirect("leave:home", org_slug=request.organisation.slug)
    return render(
        request, "leave/dependants_form.html", {"organisation": request.organisation, "form": form}
    )


@require_http_methods(["GET", "POST"])
@org_view("leave.manage_policy")
def leave_policy(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    current = leave_policy_of(organisation=organisation)
    initial = {
        "extra_days": current.extra_days if current else 0,
        "paid_days": current.paid_days if current else 0,
        "notice_days": current.notice_days if current else None,
        "staff_work_bank_holidays": "yes" if organisation.staff_work_bank_holidays else "no",
    }
    form = LeavePolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: leave_policy_update(
                organisation_id=organisation.pk,
                extra_days=form.cleaned_data["extra_days"],
                paid_days=form.cleaned_data["paid_days"],
                notice_days=form.cleaned_data["notice_days"],
                by=request.user,
                staff_work_bank_holidays=form.cleaned_data["staff_work_bank_holidays"],
            ),
            field="notice_days",
        )
        if saved is not None:
            messages.success(request, _("Leave policy saved."))
            return redirect("leave:policy", org_slug=organisation.slug)
    return render(
        request,
        "leave/policy.html",
        {
            "organisation": organisation,
            "form": form,
            "northern_ireland": organisation.nation == Nation.NORTHERN_IRELAND,
        },
    )


@require_safe
@org_view("organisations.use_organisation")
def team_calendar(request: OrgRequest) -> HttpResponse:
    """Who in your team is away in the next four weeks; the kind of leave stays private."""
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    today = timezone.localdate()
    absences = (
        team_absences(viewer=request.user, viewer_record=record, start=today, days=28)
        if record
        else []
    )
    audit_absences_read(
        viewer=request.user, organisation_id=request.organisation.pk, absences=absences
    )
    return render(
        request,
        "leave/calendar.html",
        {"organisation": request.organisation, "absences": absences, "record": record},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
def calendar_feed(request: OrgRequest) -> HttpResponse:
    """Make (or remake) the private link to your own leave for your calendar app."""
    record = _own_record(request)
    link = None
    if request.method == "POST":
        token = calendar_feed_renew(staff=record, by=request.user)
        link = settings.SITE_URL + reverse("leave:calendar_feed_ics", kwargs={"token": token})
    return render(
        request,
        "leave/calendar_feed.html",
        {
            "organisation": request.organisation,
            "link": link,
            "has_feed": hasattr(record, "calendar_feed"),
        },
    )


@require_safe
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponseBase:
    """The feed itself: no sign-in (calendar apps cannot), the secret in the link is the key."""
    feed = calendar_feed_for(token)
    if feed is None or feed.staff.status != StaffStatus.ACTIVE:
        raise Http404
    return feed_response(request, calendar_feed_read(feed=feed))


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def deputies(request: OrgRequest) -> HttpResponse:
    """A line manager names who decides their team's requests while they are away."""
    record = _own_record(request)
    form = DeputyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appointed = attempt(
            form,
            lambda: deputy_appoint(
                manager=record,
                deputy_number=form.cleaned_data["staff_number"],
                from_date=form.cleaned_data["from_date"],
                to_date=form.cleaned_data["to_date"],
                by=request.user,
                today=timezone.localdate(),
            ),
            field="to_date",
        )
        if appointed is not None:
            messages.success(request, _("Deputy appointed."))
            return redirect("leave:deputies", org_slug=request.organisation.slug)
    appointments = deputies_named_by(manager=record, on=timezone.localdate())
    return render(
        request,
        "leave/deputies.html",
        {"organisation": request.organisation, "form": form, "appointments": appointments},
    )


@require_POST
@org_view("organisations.use_organisation")
def deputy_end_view(request: OrgRequest, pk: int) -> HttpResponse:
    """End a deputy's appointment early: only the manager who named the deputy."""
    appointment, access = access_deputy(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_end:
        raise PermissionDenied
    try:
        deputy_end(appointment=appointment, by=request.user, now=timezone.now())
    except LeaveRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer your deputy.") % {"name": appointment.deputy.full_name},
        )
    return redirect("leave:deputies", org_slug=request.organisation.slug)
