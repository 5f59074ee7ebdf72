from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import Action, Channel
from audit.services import audit_record
from leave.flexible.forms import (
    AppealForm,
    ConsultationForm,
    ExtensionForm,
    FlexibleDecisionForm,
    FlexibleRequestForm,
)
from leave.flexible.letters import outcome_letter
from leave.flexible.selectors import (
    FlexibleAccess,
    access_flexible_request,
    flexible_history,
    flexible_in_organisation,
    flexible_requests_of,
    flexible_waiting_for,
)
from leave.flexible.services import (
    consultation_record,
    days_left,
    flexible_extension_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
    flexible_request_withdraw,
)
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from leave.selectors import audit_list_read
from leave.services import LeaveRuleError, decision_read
from leave.statutory import flexible_working_latest_retrospective_extension, flexible_working_rule
from leave.views import filtered_page, paginate
from organisations.access import org_view
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from shared.forms import attempt
from shared.once import one_submission

#: How many requests waiting for a decision the flexible-working home page lists.
HOME_WAITING_SHOWN = 50


@require_safe
@org_view("organisations.use_own_records")
def flexible_home(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    record = staff_record_for_user(user=request.user, organisation=organisation)
    # HR's list can hold every appeal in a large organisation: show the ones due soonest,
    # and fetch one more only to know whether to say that others are waiting.
    to_decide = flexible_waiting_for(
        viewer=request.user, organisation=organisation, record=record, limit=HOME_WAITING_SHOWN + 1
    )
    more_waiting = len(to_decide) > HOME_WAITING_SHOWN
    to_decide = to_decide[:HOME_WAITING_SHOWN]
    audit_list_read(
        viewer=request.user,
        organisation_id=organisation.pk,
        items=to_decide,
        where="the flexible-working requests waiting for a decision",
    )
    return render(
        request,
        "leave/flexible_home.html",
        {
            "organisation": organisation,
            "record": record,
            "mine": flexible_requests_of(staff=record) if record else [],
            "to_decide": to_decide,
            "more_waiting": more_waiting,
            "shown": HOME_WAITING_SHOWN,
            "rule": flexible_working_rule(nation=organisation.nation, on=timezone.localdate()),
            "can_see_all": request.user.has_perm("leave.view_all_requests", organisation),
        },
    )


@require_safe
@org_view("leave.view_all_requests")
def flexible_all(request: OrgRequest) -> HttpResponse:
    """HR's list of every flexible-working request in the organisation, by status."""
    organisation = request.organisation
    form, status, extra = filtered_page(request, FlexibleStatus.choices)
    page = paginate(
        request, flexible_in_organisation(organisation_id=organisation.pk, status=status)
    )
    audit_list_read(
        viewer=request.user,
        organisation_id=organisation.pk,
        items=list(page.object_list),
        where="HR's list of flexible-working requests",
    )
    return render(
        request,
        "leave/flexible_all.html",
        {"organisation": organisation, "form": form, "page": page, **extra},
    )


@require_http_methods(["GET", "POST"])
@org_view("organisations.use_organisation")
@one_submission
def flexible_new(request: OrgRequest) -> HttpResponse:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    if record is None:
        raise PermissionDenied
    form = FlexibleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form,
            lambda: flexible_request_submit(
                staff=record,
                change_requested=form.cleaned_data["change_requested"],
                start_from=form.cleaned_data["start_from"],
                by=request.user,
                today=timezone.localdate(),
            ),
        )
        if item is not None:
            messages.success(request, _("Your request has gone to your line manager."))
            return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    rule = flexible_working_rule(nation=request.organisation.nation, on=timezone.localdate())
    return render(
        request,
        "leave/flexible_form.html",
        {"organisation": request.organisation, "form": form, "rule": rule},
    )


def _detail_page(
    request: OrgRequest,
    item: FlexibleWorkingRequest,
    access: FlexibleAccess,
    **bound: forms.BaseForm,
) -> HttpResponse:
    """The request's page; ``bound`` holds a form posted with errors, shown in its place."""
    # The wording follows the rule row the request is governed by (NI needs no conversation).
    rule = flexible_working_rule(nation=item.staff.organisation.nation, on=item.received_on)
    today = timezone.localdate()
    period_ended = item.decision_period_ended_on(today)
    page_forms: dict[str, forms.BaseForm] = {
        "consultation_form": ConsultationForm(),
        "decision_form": FlexibleDecisionForm(),
        "appeal_form": AppealForm(),
        "extension_form": ExtensionForm(),
        **bound,
    }
    # Each crispy form posts to its own address; crispy writes the <form> tag, never nested
    # in ours. The decision form's template writes its own tag.
    for key, url_name in (
        ("consultation_form", "flexible:consult"),
        ("extension_form", "flexible:extend"),
        ("appeal_form", "flexible:appeal"),
    ):
        page_forms[key].helper.form_action = reverse(  # type: ignore[attr-defined]
            url_name, args=[request.organisation.slug, item.pk]
        )
    page_forms["decision_form"].fields["refusal_reasons"].help_text = (
        _("Only these reasons are allowed by law. You must have talked it through first.")
        if rule.consultation_before_refusal
        else _("Only these reasons are allowed by law.")
    )
    context = {
        "organisation": request.organisation,
        "item": item,
        "rule": rule,
        "access": access,
        "days_left": days_left(item, today),
        "period_ended": period_ended,
        # Once the period has ended, more time can be agreed only for a while (s.80G(1C)(b)).
        "extension_until": flexible_working_latest_retrospective_extension(
            deadline=item.deadline,
            nation=item.staff.organisation.nation,
            received_on=item.received_on,
        )
        if period_ended
        else None,
        "today": today,
        "history": flexible_history(request=item),
        # Refusing needs a recorded conversation first where the rule row says so.
        "consultation_needed": rule.consultation_before_refusal and not item.consultations.exists(),
        **page_forms,
    }
    return render(request, "leave/flexible_detail.html", context)


@require_safe
@org_view("organisations.use_own_records")
def flexible_detail(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=item,
        organisation_id=request.organisation.pk,
        summary=f"Viewed flexible-working request {item.pk}",
    )
    decision_read(request=item, by=request.user)
    return _detail_page(request, item, access)


@require_POST
@org_view("organisations.use_organisation")
@one_submission
def flexible_consult(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_decide:
        raise PermissionDenied
    form = ConsultationForm(request.POST)
    if form.is_valid():
        consultation = attempt(
            form,
            lambda: consultation_record(
                request=item,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                today=timezone.localdate(),
            ),
            field="held_on",
        )
        if consultation is not None:
            messages.success(request, _("Conversation recorded."))
            return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    return _detail_page(request, item, access, consultation_form=form)


@require_POST
@org_view("organisations.use_organisation")
def flexible_decide(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_decide:
        raise PermissionDenied
    form = FlexibleDecisionForm(request.POST)
    if form.is_valid():
        chosen = form.decision()

        def decide() -> FlexibleWorkingRequest:
            try:
                return flexible_request_decide(
                    request=item,
                    outcome=FlexibleStatus(chosen["outcome"]),
                    by=request.user,
                    today=timezone.localdate(),
                    agreed_change=chosen["agreed_change"],
                    refusal_reasons=chosen["refusal_reasons"],
                    refusal_explanation=chosen["refusal_explanation"],
                    trial_until=chosen["trial_until"],
                )
            except LeaveRuleError as error:
                # Beside the question it is about, as the person sees it.
                error.field = form.field_for(error.code)
                raise

        decided = attempt(form, decide, field="outcome")
        if decided is not None:
            messages.success(
                request,
                _(
                    "Decision recorded and sent to %(name)s. What happens next: download the "
                    "decision letter below for your records; a refusal can be appealed once."
                )
                % {"name": item.staff.full_name},
            )
            return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    return _detail_page(request, item, access, decision_form=form)


@require_POST
@org_view("organisations.use_organisation")
def flexible_appeal(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_appeal:
        raise PermissionDenied
    form = AppealForm(request.POST)
    if form.is_valid():
        appealed = attempt(
            form,
            lambda: flexible_request_appeal(
                request=item, reason=form.cleaned_data["reason"], by=request.user
            ),
            field="reason",
        )
        if appealed is not None:
            messages.success(request, _("Your appeal has been sent."))
            return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    return _detail_page(request, item, access, appeal_form=form)


@require_POST
@org_view("organisations.use_organisation")
def flexible_withdraw(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_withdraw:
        raise PermissionDenied
    try:
        flexible_request_withdraw(request=item, by=request.user)
    except LeaveRuleError as error:
        messages.error(request, error.message)
        return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    messages.success(
        request,
        _("Request withdrawn. It still counts towards your statutory requests for the year."),
    )
    return redirect("flexible:home", org_slug=request.organisation.slug)


@require_safe
@org_view("organisations.use_own_records")
def flexible_letter(request: OrgRequest, pk: int) -> HttpResponse:
    """The decision letter, once there is a decision."""
    item, _access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if item.decided_at is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=item,
        organisation_id=request.organisation.pk,
        summary=f"Downloaded the flexible-working decision letter {item.pk}",
    )
    response = HttpResponse(outcome_letter(item), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="flexible-working-decision-{item.pk}.pdf"'
    )
    return response


@require_POST
@org_view("organisations.use_organisation")
def flexible_extend(request: OrgRequest, pk: int) -> HttpResponse:
    item, access = access_flexible_request(
        viewer=request.user, organisation=request.organisation, pk=pk
    )
    if not access.can_decide:
        raise PermissionDenied
    form = ExtensionForm(request.POST)
    if form.is_valid():
        extended = attempt(
            form,
            lambda: flexible_extension_record(
                request=item,
                extended_to=form.cleaned_data["extended_to"],
                by=request.user,
                today=timezone.localdate(),
            ),
            field="extended_to",
        )
        if extended is not None:
            messages.success(request, _("Extension recorded."))
            return redirect("flexible:detail", org_slug=request.organisation.slug, pk=item.pk)
    return _detail_page(request, item, access, extension_form=form)
