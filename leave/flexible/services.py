"""Statutory flexible-working requests: submit, consult, decide (within the eight
business reasons), appeal and withdraw, against the clock the law sets.

Employment Rights Act 1996 ss.80F-80I as amended from 6 April 2024; the rule rows in
``leave/statutory.py`` give the numbers per nation and date.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from leave import statutory
from leave.deputies import acting_for
from leave.models import (
    Consultation,
    DecisionStage,
    Deputy,
    FlexibleDecision,
    FlexibleStatus,
    FlexibleWorkingRequest,
)
from leave.services import LeaveRuleError
from organisations.models import StaffRecord, StaffStatus
from shared.dates import long_date
from shared.emails import send_templated
from shared.writes import lock

REFUSAL_CODES = {code for code, _label in statutory.FLEXIBLE_WORKING_REFUSAL_REASONS}
MAX_AHEAD = timedelta(days=730)
OUTCOMES = (FlexibleStatus.APPROVED, FlexibleStatus.APPROVED_WITH_CHANGES, FlexibleStatus.REFUSED)


def _active_manager_user(staff: StaffRecord | None) -> User | None:
    if staff is None or staff.status != StaffStatus.ACTIVE or staff.user_id is None:
        return None
    return staff.user


def deciders(request: FlexibleWorkingRequest) -> set[int]:
    """Who may decide: the line manager; for an appeal, the manager's manager or HR.

    Nobody decides their own request.
    """
    staff = request.staff
    manager = staff.line_manager
    if request.status == FlexibleStatus.APPEALED:
        senior = _active_manager_user(manager.line_manager if manager else None)
        ids = {senior.pk} if senior else set()
        ids |= set(
            staff.organisation.memberships.with_power()
            .acting_as_hr()
            .values_list("user_id", flat=True)
        )
        # Whoever refused does not hear the appeal, nor does the line manager.
        if manager is not None and manager.user_id is not None:
            ids.discard(manager.user_id)
        if request.decided_by_id is not None:
            ids.discard(request.decided_by_id)
    else:
        user = _active_manager_user(manager)
        ids = {user.pk} if user else set()
        if not ids:
            # Nobody manages them now: HR decides, so the deadline cannot pass unseen.
            ids = set(
                staff.organisation.memberships.with_power()
                .acting_as_hr()
                .values_list("user_id", flat=True)
            )
        if manager is not None:
            # Deputies decide while the manager is away.
            ids |= set(
                Deputy.objects.in_force(timezone.localdate())
                .filter(manager=manager, deputy__status=StaffStatus.ACTIVE)
                .values_list("deputy__user_id", flat=True)
            )
    ids.discard(staff.user_id or -1)
    return ids


def proceeding_request(*, staff: StaffRecord, today: date) -> FlexibleWorkingRequest | None:
    """The person's request that still blocks a new one, if any: one waiting for a decision
    or an appeal whose decision period has not ended (``flexible_working_decision_period_ended``;
    ERA 1996 s.80F(4)(b), (4A), (4B)). A request whose period ended without a decision no
    longer blocks, though it still counts towards the number allowed in 12 months."""
    waiting = FlexibleWorkingRequest.objects.filter(
        staff=staff, status__in=[FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED]
    ).only("pk", "decision_due", "extension_agreed_to")
    for request in waiting:
        if not statutory.flexible_working_decision_period_ended(
            deadline=request.deadline, today=today
        ):
            return request
    return None


@transaction.atomic
def flexible_request_submit(
    *,
    staff: StaffRecord,
    change_requested: str,
    start_from: date,
    by: User,
    today: date,
    channel: Channel = Channel.WEB,
) -> FlexibleWorkingRequest:
    if staff.user_id != by.pk or staff.status != StaffStatus.ACTIVE:
        raise PermissionDenied("People in post make their own flexible-working requests")
    if start_from < today:
        raise LeaveRuleError("start_in_past", _("Choose a start date from today onwards."))
    nation = staff.organisation.nation
    rule = statutory.flexible_working_rule(nation=nation, on=today)
    if rule.qualifying_weeks and (
        staff.start_date is None or (today - staff.start_date).days < rule.qualifying_weeks * 7
    ):
        raise LeaveRuleError(
            "not_eligible_yet",
            _("Here you can make a statutory request after %(weeks)s weeks in the job.")
            % {"weeks": rule.qualifying_weeks},
        )
    # One person's requests are decided one at a time: lock their record against a double submit.
    StaffRecord.objects.select_for_update().filter(pk=staff.pk).first()
    proceeding = proceeding_request(staff=staff, today=today)
    if proceeding is not None:
        raise LeaveRuleError(
            "request_pending",
            _(
                "You already have a request waiting for a decision, due by %(date)s. You can make "
                "a new one once it is decided or that date has passed."
            )
            % {"date": long_date(proceeding.deadline)},
        )
    if start_from > today + MAX_AHEAD:
        raise LeaveRuleError("date_too_far", _("Choose a start date within the next two years."))
    earlier = list(
        FlexibleWorkingRequest.objects.filter(staff=staff).values_list("received_on", flat=True)
    )
    if not statutory.flexible_working_requests_allowed(
        earlier_requests=earlier, on=today, nation=nation
    ):
        raise LeaveRuleError(
            "request_limit_reached",
            _("You can make %(n)s statutory requests in any 12 months, and have already made them.")
            % {"n": rule.requests_per_year},
        )
    if not change_requested.strip():
        raise LeaveRuleError("change_required", _("Say what change you would like."))
    request = FlexibleWorkingRequest.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        received_on=today,
        change_requested=change_requested.strip(),
        start_from=start_from,
        decision_due=statutory.flexible_working_decision_due(received_on=today, nation=nation),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=request,
        organisation_id=request.organisation_id,
        summary=f"Made a flexible-working request ({request.pk})",
    )
    manager = _active_manager_user(staff.line_manager)
    if manager is not None:
        to = [manager.email]
    else:
        # Nobody in post manages them, so HR decides: tell HR now, not 14 days before the deadline.
        to = sorted(
            set(
                staff.organisation.memberships.with_power()
                .acting_as_hr()
                .exclude(user_id=staff.user_id)
                .values_list("user__email", flat=True)
            )
        )
    if to:
        transaction.on_commit(
            lambda: send_templated(
                template="flexible_requested",
                to=to,
                context={
                    "request": request,
                    "staff": staff,
                    "rule": rule,
                    "unmanaged": manager is None,
                },
            )
        )
    return request


#: A request as its writes need it: the people who decide it, and their organisation.
_FOR_WRITES = FlexibleWorkingRequest.objects.select_related(
    "staff__line_manager__line_manager", "staff__organisation"
)


@transaction.atomic
def consultation_record(
    *,
    request: FlexibleWorkingRequest,
    held_on: date,
    notes: str,
    by: User,
    today: date,
    channel: Channel = Channel.WEB,
) -> Consultation:
    locked = lock(_FOR_WRITES, request.pk)
    if by.pk not in deciders(locked):
        raise PermissionDenied
    if locked.status not in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED):
        raise LeaveRuleError("already_decided", _("This request has already been decided."))
    if held_on > today:
        raise LeaveRuleError(
            "consultation_in_future", _("Record a conversation once it has happened.")
        )
    if held_on < locked.received_on:
        raise LeaveRuleError(
            "consultation_before_request",
            _("The conversation must be on or after the day of the request."),
        )
    consultation = Consultation.objects.create(
        request=locked, held_on=held_on, notes=notes.strip(), recorded_by=by
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Recorded a consultation ({locked.pk})",
    )
    return consultation


@transaction.atomic
def flexible_request_decide(
    *,
    request: FlexibleWorkingRequest,
    outcome: FlexibleStatus,
    by: User,
    today: date,
    agreed_change: str = "",
    refusal_reasons: list[str] | None = None,
    refusal_explanation: str = "",
    trial_until: date | None = None,
    channel: Channel = Channel.WEB,
) -> FlexibleWorkingRequest:
    """Approve, approve with changes, or refuse, within the statutory conditions."""
    locked = lock(_FOR_WRITES, request.pk)
    if by.pk not in deciders(locked):
        raise PermissionDenied
    if locked.status not in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED):
        raise LeaveRuleError("already_decided", _("This request has already been decided."))
    if outcome not in OUTCOMES:
        raise LeaveRuleError(
            "invalid_outcome", _("Choose approve, approve with changes, or refuse.")
        )
    reasons = list(dict.fromkeys(refusal_reasons or []))
    rule = statutory.flexible_working_rule(
        nation=locked.staff.organisation.nation, on=locked.received_on
    )
    if outcome == FlexibleStatus.REFUSED:
        if rule.consultation_before_refusal and not locked.consultations.exists():
            raise LeaveRuleError(
                "consultation_required",
                _("Talk it through with them first: record the consultation before refusing."),
            )
        if not reasons or not set(reasons) <= REFUSAL_CODES:
            raise LeaveRuleError(
                "refusal_not_allowed",
                _(
                    "A request can only be refused for one or more of the eight business reasons the law lists."
                ),
            )
        if rule.refusal_must_be_reasonable and not refusal_explanation.strip():
            raise LeaveRuleError("explanation_required", _("Explain why refusing is reasonable."))
    if outcome == FlexibleStatus.APPROVED_WITH_CHANGES and not agreed_change.strip():
        raise LeaveRuleError("agreed_change_required", _("Describe the change you have agreed."))
    if trial_until is not None and trial_until <= today:
        raise LeaveRuleError("trial_in_past", _("A trial period must end in the future."))
    hearing_appeal = locked.status == FlexibleStatus.APPEALED
    locked.status = outcome
    locked.agreed_change = agreed_change.strip()
    locked.refusal_reasons = reasons if outcome == FlexibleStatus.REFUSED else []
    locked.refusal_explanation = refusal_explanation.strip()
    locked.trial_until = trial_until if outcome != FlexibleStatus.REFUSED else None
    locked.decided_at = timezone.now()
    locked.decided_by = by
    manager = locked.staff.line_manager
    # "Acting for" only when a deputy decided; HR stepping in is not acting for anyone.
    locked.decided_acting_for = (
        manager if not hearing_appeal and acting_for(user=by, manager=manager, on=today) else None
    )
    locked.decision_unread = True
    locked.save()
    # The history keeps every decision; the request's fields above hold only the latest.
    FlexibleDecision.objects.create(
        request=locked,
        stage=DecisionStage.APPEAL if hearing_appeal else DecisionStage.FIRST,
        outcome=outcome,
        agreed_change=locked.agreed_change,
        refusal_reasons=locked.refusal_reasons,
        refusal_explanation=locked.refusal_explanation,
        trial_until=locked.trial_until,
        decided_by=by,
        acting_for=locked.decided_acting_for,
        decided_at=locked.decided_at,
    )
    summary = f"Decided a flexible-working request: {outcome.label}"
    if statutory.flexible_working_decision_period_ended(deadline=locked.deadline, today=today):
        # Deciding late is allowed (better late than never), and the record says it was late.
        summary += f", after the decision period ended on {locked.deadline}"
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"{summary} ({locked.pk})",
    )
    employee = locked.staff.user
    if employee is not None:
        transaction.on_commit(
            lambda: send_templated(
                template="flexible_decided",
                to=[employee.email],
                context={"request": locked, "outcome": outcome.label},
            )
        )
    return locked


@transaction.atomic
def flexible_request_appeal(
    *, request: FlexibleWorkingRequest, reason: str, by: User, channel: Channel = Channel.WEB
) -> FlexibleWorkingRequest:
    locked = lock(_FOR_WRITES, request.pk)
    if locked.staff.user_id != by.pk:
        raise PermissionDenied
    if locked.status != FlexibleStatus.REFUSED or locked.appeal_reason:
        raise LeaveRuleError(
            "appeal_not_open", _("Only a refused request can be appealed, and only once.")
        )
    if not reason.strip():
        raise LeaveRuleError("reason_required", _("Say why you are appealing."))
    locked.status = FlexibleStatus.APPEALED
    locked.appeal_reason = reason.strip()
    locked.appealed_at = timezone.now()
    # Appealing is answering the decision: it has been read.
    locked.decision_unread = False
    locked.save(update_fields=["status", "appeal_reason", "appealed_at", "decision_unread"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Appealed a refused flexible-working request ({locked.pk})",
    )
    return locked


@transaction.atomic
def flexible_request_withdraw(
    *, request: FlexibleWorkingRequest, by: User, channel: Channel = Channel.WEB
) -> FlexibleWorkingRequest:
    """A withdrawn request still counts towards the two a year (s.80F(4))."""
    locked = lock(_FOR_WRITES, request.pk)
    if locked.staff.user_id != by.pk:
        raise PermissionDenied
    if locked.status not in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED):
        raise LeaveRuleError("already_decided", _("This request has already been decided."))
    locked.status = FlexibleStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Withdrew a flexible-working request ({locked.pk})",
    )
    return locked


def days_left(request: FlexibleWorkingRequest, today: date) -> int:
    return (request.deadline - today).days


@transaction.atomic
def flexible_extension_record(
    *,
    request: FlexibleWorkingRequest,
    extended_to: date,
    by: User,
    today: date,
    channel: Channel = Channel.WEB,
) -> FlexibleWorkingRequest:
    """Record that the employee agreed more time for the decision (s.80G(1B)(b)).

    After the period has ended it may still be agreed, with retrospective effect, within the
    window ``flexible_working_latest_retrospective_extension`` gives (s.80G(1C)(b)); the
    request then waits again as one in progress (s.80F(4A)(c)).
    """
    locked = lock(_FOR_WRITES, request.pk)
    if by.pk not in deciders(locked):
        raise PermissionDenied
    if locked.status not in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED):
        raise LeaveRuleError("already_decided", _("This request has already been decided."))
    if extended_to <= locked.deadline or extended_to > today + MAX_AHEAD:
        raise LeaveRuleError(
            "extension_invalid",
            _("The new date must be after the current deadline of %(date)s.")
            % {"date": long_date(locked.deadline)},
        )
    if extended_to < today:
        raise LeaveRuleError(
            "extension_invalid",
            _(
                "The new date must be today or later: an extension that has already run out "
                "changes nothing."
            ),
        )
    if today > locked.deadline:
        # Agreed after the period ended: allowed with retrospective effect, for a while only.
        latest = statutory.flexible_working_latest_retrospective_extension(
            deadline=locked.deadline,
            nation=locked.staff.organisation.nation,
            received_on=locked.received_on,
        )
        if latest is not None and today > latest:
            raise LeaveRuleError(
                "extension_too_late",
                _(
                    "The decision period ended on %(ended)s. More time could be agreed until "
                    "%(latest)s, and that has passed."
                )
                % {"ended": long_date(locked.deadline), "latest": long_date(latest)},
            )
    locked.extension_agreed_to = extended_to
    locked.save(update_fields=["extension_agreed_to"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Recorded an extension agreed with the employee to {extended_to} ({locked.pk})",
    )
    return locked
