"""Carer's leave: asking, agreeing, postponing and cancelling, within the statutory rules.

Every refusal to go ahead raises ``LeaveRuleError`` with a stable ``code`` that the
pages show as a message and the API will return as a problem-details code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from leave import statutory
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DayPart,
    DecisionKind,
    DependantsTimeOff,
    FlexibleWorkingRequest,
    LeaveDecision,
    LeavePolicy,
    RequestStatus,
)
from organisations.models import Nation, StaffRecord, StaffStatus
from organisations.services import organisation_bank_holidays_default_set
from shared.dates import long_date, long_date_with_day
from shared.emails import send_templated
from shared.writes import RuleError

OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.ACCEPTED, RequestStatus.POSTPONED)
#: Codes for a day the person would not otherwise work (``statutory.carers_leave_day_problem``).
WORKING_DAY_CODES = frozenset({"not_a_working_day", "bank_holiday"})


class LeaveRuleError(RuleError):
    """A request or decision the leave rules do not allow; ``code`` is stable for the API."""

    title = "Not allowed by the leave rules"


def _policy(staff: StaffRecord) -> LeavePolicy | None:
    return LeavePolicy.objects.filter(organisation_id=staff.organisation_id).first()


def entitlement_days(*, staff: StaffRecord, on: date) -> Decimal:
    """The statutory week plus any extra days the organisation gives.

    In Northern Ireland there is no statutory right, so only the organisation's own days count.
    """
    policy = _policy(staff)
    extra = policy.extra_days if policy else Decimal("0")
    nation = staff.organisation.nation
    if nation == Nation.NORTHERN_IRELAND:
        if extra <= 0:
            raise LeaveRuleError(
                statutory.NotAvailableInNation.code,
                _(
                    "There is no statutory carer's leave in Northern Ireland, and your organisation "
                    "has not set its own allowance."
                ),
            )
        return extra
    return (
        statutory.carers_leave_entitlement_days(
            days_per_week=staff.days_per_week, nation=nation, on=on
        )
        + extra
    )


def notice_days(*, staff: StaffRecord, days_or_part_days: int, first_day: date) -> int:
    """The fewest days between asking and the first day.

    By statute that is one more than ``carers_leave_notice_days``, because notice must come
    *before* the relevant date (reg. 7(2)(d)). An organisation's shorter notice of N days
    (reg. 7(5)) means what it says to people: asking N days ahead is enough.
    """
    policy = _policy(staff)
    nation = staff.organisation.nation
    if nation == Nation.NORTHERN_IRELAND:
        by_law = 0
    else:
        by_law = (
            statutory.carers_leave_notice_days(
                days_or_part_days=days_or_part_days, nation=nation, on=first_day
            )
            + 1
        )
    if policy and policy.notice_days is not None:
        return min(by_law, policy.notice_days) if by_law else policy.notice_days
    return by_law


def booked_days(
    *, staff: StaffRecord, exclude: CarersLeaveRequest | None = None
) -> dict[date, Decimal]:
    """Days of carer's leave asked for or agreed (cancelled requests give days back)."""
    days: dict[date, Decimal] = {}
    rows = CarersLeaveDay.objects.filter(request__staff=staff, request__status__in=OPEN_STATUSES)
    if exclude is not None:
        rows = rows.exclude(request=exclude)
    for row in rows.only("day", "part"):
        days[row.day] = days.get(row.day, Decimal(0)) + row.amount
    return days


def _normalise(days: Iterable[tuple[date, str]]) -> list[tuple[date, str]]:
    """One entry per date: a morning and an afternoon of the same date make a full day."""
    parts: dict[date, set[str]] = {}
    for day, part in days:
        parts.setdefault(day, set()).add(part)
    result = []
    for day in sorted(parts):
        chosen = parts[day]
        if DayPart.FULL in chosen or chosen == {DayPart.MORNING, DayPart.AFTERNOON}:
            result.append((day, DayPart.FULL.value))
        else:
            result.append((day, next(iter(chosen))))
    return result


def _amount(part: str) -> Decimal:
    return Decimal("1") if part == DayPart.FULL else Decimal("0.5")


def _overlaps(a: str, b: str) -> bool:
    return DayPart.FULL in (a, b) or a == b


def _check_overlap(
    *, staff: StaffRecord, parts: dict[date, str], exclude: CarersLeaveRequest | None
) -> None:
    """The same morning or afternoon cannot be asked for twice, even in two requests."""
    rows = CarersLeaveDay.objects.filter(
        request__staff=staff, request__status__in=OPEN_STATUSES, day__in=list(parts)
    )
    if exclude is not None:
        rows = rows.exclude(request=exclude)
    for day, part in rows.values_list("day", "part"):
        if _overlaps(part, parts[day]):
            raise LeaveRuleError(
                "already_booked",
                _("You have already asked for carer's leave on %(day)s.") % {"day": long_date(day)},
            )


def _check_entitlement(
    *, staff: StaffRecord, days: dict[date, Decimal], exclude: CarersLeaveRequest | None
) -> None:
    combined = booked_days(staff=staff, exclude=exclude)
    for day, amount in days.items():
        combined[day] = combined.get(day, Decimal(0)) + amount
        if combined[day] > 1:
            raise LeaveRuleError(
                "already_booked",
                _("You have already asked for carer's leave on %(day)s.") % {"day": long_date(day)},
            )
    first = min(days)
    over = statutory.carers_leave_windows_within_entitlement(
        days=combined, entitlement=entitlement_days(staff=staff, on=first)
    )
    if over is not None:
        raise LeaveRuleError(
            "entitlement_exceeded",
            _("This would take you over your carer's leave for the 12 months from %(day)s.")
            % {"day": long_date(over)},
        )


def _check_working_days(
    *, staff: StaffRecord, days: Iterable[date], whose: str, field: str | None = None
) -> None:
    """Every day of leave falls on a day the person would otherwise work (see the rule)."""
    works_bank_holidays = staff.bank_holidays_worked
    for day in sorted(days):
        problem = statutory.carers_leave_day_problem(
            day=day,
            working_days=staff.working_days,
            nation=staff.organisation.nation,
            works_bank_holidays=works_bank_holidays,
        )
        if problem is None:
            continue
        code, holiday = problem
        when = long_date_with_day(day)
        if code == "bank_holiday":
            message = _("%(day)s is a bank holiday (%(name)s). Choose a working day.") % {
                "day": when,
                "name": holiday,
            }
        else:
            message = _("%(day)s is not one of %(whose)s working days (%(pattern)s).") % {
                "day": when,
                "whose": whose,
                "pattern": staff.working_days_display,
            }
        raise LeaveRuleError(code, message, field=field)


def _manager_user(staff: StaffRecord) -> User | None:
    """The line manager's account, if they have one and are still in post."""
    manager = staff.line_manager
    if manager is None or manager.user_id is None or manager.status != StaffStatus.ACTIVE:
        return None
    return manager.user


def _snapshot(request: CarersLeaveRequest) -> list[list[str]]:
    return [[row.day.isoformat(), row.part] for row in request.days.all()]


def _check_new_request(*, staff: StaffRecord, chosen: list[tuple[date, str]], today: date) -> None:
    """Every rule a new request must meet, in the order they are reported; raises the first."""
    if not chosen:
        raise LeaveRuleError("no_days", _("Choose at least one day."))
    if chosen[-1][0] > today + timedelta(days=730):
        raise LeaveRuleError("date_too_far", _("Choose days within the next two years."))
    if chosen[0][0] <= today:
        raise LeaveRuleError(
            "day_in_past", _("Carer's leave must be asked for before the day it starts.")
        )
    _check_working_days(staff=staff, days=[day for day, _part in chosen], whose=_("your"))
    amounts = {day: _amount(part) for day, part in chosen}
    first_day = chosen[0][0]
    needed = notice_days(staff=staff, days_or_part_days=len(chosen), first_day=first_day)
    if (first_day - today).days < needed:
        raise LeaveRuleError(
            "insufficient_notice",
            _(
                "%(count)s days or half days of carer's leave need asking for at least %(needed)s "
                "days before the first day, so the first day can be %(earliest)s at the earliest."
            )
            % {
                "count": len(chosen),
                "needed": needed,
                "earliest": long_date(today + timedelta(days=needed)),
            },
        )
    _check_overlap(staff=staff, parts=dict(chosen), exclude=None)
    _check_entitlement(staff=staff, days=amounts, exclude=None)


def carers_leave_request_problem(
    *, staff: StaffRecord, days: Iterable[tuple[date, str]], today: date
) -> LeaveRuleError | None:
    """What would stop these days being asked for today, or None: the same rules as
    ``carers_leave_request``, read only, so a page can say so before anything is sent."""
    try:
        _check_new_request(staff=staff, chosen=_normalise(days), today=today)
    except LeaveRuleError as error:
        return error
    return None


@transaction.atomic
def carers_leave_request(
    *,
    staff: StaffRecord,
    days: Iterable[tuple[date, str]],
    note: str,
    by: User,
    today: date,
    channel: Channel = Channel.WEB,
) -> CarersLeaveRequest:
    """Ask for carer's leave. No evidence is asked for: the request is the declaration (reg. 7(4))."""
    if staff.status != StaffStatus.ACTIVE:
        raise PermissionDenied("Only people in post can ask for carer's leave")
    # Lock the person's record so two requests sent at once cannot both pass the checks.
    StaffRecord.objects.select_for_update().filter(pk=staff.pk).first()
    chosen = _normalise(days)
    _check_new_request(staff=staff, chosen=chosen, today=today)
    amounts = {day: _amount(part) for day, part in chosen}
    total = sum(amounts.values(), Decimal(0))
    first_day = chosen[0][0]
    request = CarersLeaveRequest.objects.create(
        organisation_id=staff.organisation_id, staff=staff, notice_given_on=today, note=note.strip()
    )
    CarersLeaveDay.objects.bulk_create(
        CarersLeaveDay(request=request, day=d, part=p) for d, p in chosen
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=request,
        organisation_id=staff.organisation_id,
        summary=f"Asked for {total.normalize()} days of carer's leave from {first_day}",
    )
    manager = _manager_user(staff)
    if manager is not None:
        transaction.on_commit(
            lambda: send_templated(
                template="carers_leave_requested",
                to=[manager.email],
                context={
                    "request": request,
                    "staff": staff,
                    "total": total,
                    "first_day": first_day,
                },
            )
        )
    return request


def _require_manager(request: CarersLeaveRequest, by: User, today: date) -> StaffRecord | None:
    """The line manager decides, or their deputy while they are away.

    Returns the manager a deputy acted for (None when the manager decided).
    """
    from leave.deputies import acting_for

    if request.staff.user_id == by.pk:
        raise PermissionDenied("Nobody may decide their own request")
    if _manager_user(request.staff) == by:
        return None
    manager = request.staff.line_manager
    if acting_for(user=by, manager=manager, on=today):
        return manager
    raise PermissionDenied("Only the line manager, or their deputy, decides")


def _decide(
    request: CarersLeaveRequest,
    *,
    kind: DecisionKind,
    by: User,
    reason: str,
    previous: list[list[str]],
    channel: Channel,
    acting_for: StaffRecord | None = None,
) -> None:
    LeaveDecision.objects.create(
        request=request,
        kind=kind,
        by=by,
        reason=reason,
        previous_days=previous,
        acting_for=acting_for,
    )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=request,
        organisation_id=request.organisation_id,
        summary=f"Carer's leave request {request.pk}: {kind.label}",
    )
    employee = request.staff.user
    if employee is not None and kind != DecisionKind.CANCELLED:
        transaction.on_commit(
            lambda: send_templated(
                template="carers_leave_decided",
                to=[employee.email],
                context={"request": request, "kind": kind.label, "reason": reason},
            )
        )


@transaction.atomic
def carers_leave_accept(
    *, request: CarersLeaveRequest, by: User, channel: Channel = Channel.WEB
) -> CarersLeaveRequest:
    locked = (
        CarersLeaveRequest.objects.select_for_update(of=("self",))
        .select_related("staff__line_manager")
        .get(pk=request.pk)
    )
    deputy_for = _require_manager(locked, by, timezone.localdate())
    if locked.status != RequestStatus.REQUESTED:
        raise LeaveRuleError("already_decided", _("This request has already been dealt with."))
    locked.status = RequestStatus.ACCEPTED
    locked.version += 1
    locked.decision_unread = True
    locked.save(update_fields=["status", "version", "decision_unread", "updated_at"])
    _decide(
        locked,
        kind=DecisionKind.ACCEPTED,
        by=by,
        reason="",
        previous=[],
        channel=channel,
        acting_for=deputy_for,
    )
    return locked


@transaction.atomic
def carers_leave_postpone(
    *,
    request: CarersLeaveRequest,
    by: User,
    new_first_day: date,
    reason: str,
    today: date,
    channel: Channel = Channel.WEB,
) -> CarersLeaveRequest:
    """Move the leave, never refuse it: reg. 8's conditions are checked in ``leave/statutory.py``."""
    locked = (
        CarersLeaveRequest.objects.select_for_update(of=("self",))
        .select_related("staff__line_manager", "staff__organisation")
        .get(pk=request.pk)
    )
    deputy_for = _require_manager(locked, by, today)
    if locked.status != RequestStatus.REQUESTED:
        raise LeaveRuleError("already_decided", _("This request has already been dealt with."))
    StaffRecord.objects.select_for_update().filter(pk=locked.staff_id).first()
    days = list(locked.days.all())
    first_day = days[0].day
    problem = statutory.carers_leave_postponement_allowed(
        given_on=today,
        first_day=first_day,
        new_first_day=new_first_day,
        reason=reason,
        nation=locked.staff.organisation.nation,
    )
    if problem is not None:
        latest = statutory.carers_leave_latest_postponed_start(
            first_day=first_day, nation=locked.staff.organisation.nation
        )
        messages = {
            "reason_required": _("Give the reason the business would be unduly disrupted."),
            "postponement_too_late": _("Leave can only be postponed before its first day."),
            "postponement_not_later": _("The new first day must be after the first day asked for."),
            "postponement_beyond_one_month": _(
                "The new first day must be no later than %(latest)s, one month after the first day asked for."
            )
            % {"latest": long_date(latest)},
        }
        raise LeaveRuleError(
            problem,
            messages[problem],
            field="new_first_day" if problem.startswith("postponement") else None,
        )
    previous = _snapshot(locked)
    shift = new_first_day - first_day
    _check_working_days(
        staff=locked.staff,
        days=[row.day + shift for row in days],
        whose=_("%(name)s's") % {"name": locked.staff.full_name},
        field="new_first_day",
    )
    moved = {row.day + shift: row.amount for row in days}
    _check_overlap(
        staff=locked.staff, parts={row.day + shift: row.part for row in days}, exclude=locked
    )
    _check_entitlement(staff=locked.staff, days=moved, exclude=locked)
    for row in days:
        row.day = row.day + shift
    CarersLeaveDay.objects.bulk_update(days, ["day"])
    locked.status = RequestStatus.POSTPONED
    locked.version += 1
    locked.decision_unread = True
    locked.save(update_fields=["status", "version", "decision_unread", "updated_at"])
    _decide(
        locked,
        kind=DecisionKind.POSTPONED,
        by=by,
        reason=reason.strip(),
        previous=previous,
        channel=channel,
        acting_for=deputy_for,
    )
    return locked


def decision_read(*, request: CarersLeaveRequest | FlexibleWorkingRequest, by: User) -> bool:
    """The employee has opened their request: a decision waiting on their home page goes.

    Only the person who asked marks it read; a manager or HR opening it changes nothing. One
    conditional update, so reading twice, or reading while a decision lands, never clears a
    newer decision than the one seen. Says whether anything changed.
    """
    if request.staff.user_id != by.pk or not request.decision_unread:
        return False
    model = type(request)
    changed = model.objects.filter(pk=request.pk, decision_unread=True).update(
        decision_unread=False
    )
    request.decision_unread = False
    return bool(changed)


@transaction.atomic
def carers_leave_cancel(
    *, request: CarersLeaveRequest, by: User, today: date, channel: Channel = Channel.WEB
) -> CarersLeaveRequest:
    """The employee withdraws before the leave starts; the days go back into the balance."""
    locked = (
        CarersLeaveRequest.objects.select_for_update(of=("self",))
        .select_related("staff")
        .get(pk=request.pk)
    )
    if locked.staff.user_id != by.pk:
        raise PermissionDenied("Only the person who asked can cancel")
    if not locked.is_open or locked.status == RequestStatus.CANCELLED:
        raise LeaveRuleError("already_cancelled", _("This request is already cancelled."))
    first_day = locked.days.order_by("day").values_list("day", flat=True).first()
    if first_day is not None and first_day <= today:
        raise LeaveRuleError(
            "already_started",
            _("Leave that has started cannot be cancelled here; talk to your line manager."),
        )
    locked.status = RequestStatus.CANCELLED
    locked.version += 1
    # Whoever cancels has nothing left to read about it.
    locked.decision_unread = False
    locked.save(update_fields=["status", "version", "decision_unread", "updated_at"])
    _decide(locked, kind=DecisionKind.CANCELLED, by=by, reason="", previous=[], channel=channel)
    return locked


@transaction.atomic
def dependants_time_off_record(
    *,
    staff: StaffRecord,
    first_day: date,
    days: Decimal,
    note: str,
    by: User,
    today: date,
    channel: Channel = Channel.WEB,
) -> DependantsTimeOff:
    """Record emergency time off. No notice, no cap and no approval (ERA 1996 s.57A).

    The employee or their line manager records it; either may do so after the event.
    """
    is_owner = staff.user_id == by.pk
    if not is_owner and _manager_user(staff) != by:
        raise PermissionDenied("Only the employee or their line manager records time off")
    if first_day > today + timedelta(days=7):
        raise LeaveRuleError(
            "not_an_emergency",
            _(
                "Time off for dependants is for emergencies. For planned care, ask for carer's leave."
            ),
        )
    record = DependantsTimeOff.objects.create(
        organisation_id=staff.organisation_id,
        staff=staff,
        first_day=first_day,
        days=days,
        note=note.strip(),
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=record,
        organisation_id=staff.organisation_id,
        summary=f"Recorded {days.normalize()} days of time off for dependants from {first_day}",
    )
    return record


@transaction.atomic
def leave_policy_update(
    *,
    organisation_id: int,
    extra_days: Decimal,
    paid_days: Decimal,
    notice_days: int | None,
    by: User,
    staff_work_bank_holidays: bool | None = None,
) -> LeavePolicy:
    """An organisation may give more than the law, never less: refuse anything below the minimum.

    ``staff_work_bank_holidays`` (None leaves it) is the organisation's default for whether
    bank holidays are working days, kept on the organisation (``organisations.services``).
    """
    if extra_days < 0 or paid_days < 0:
        raise LeaveRuleError("below_statutory_minimum", _("Days cannot be fewer than none."))
    if (
        notice_days is not None
        and notice_days > statutory.CARERS_LEAVE_RULES[0].notice_minimum_days
    ):
        raise LeaveRuleError(
            "below_statutory_minimum",
            _(
                "You cannot ask for more notice than the law allows; three days is the most for short leave."
            ),
        )
    # No row yet means the law's minimum, which is what a new row holds.
    policy = LeavePolicy.objects.select_for_update().filter(
        organisation_id=organisation_id
    ).first() or LeavePolicy(organisation_id=organisation_id)
    before = {
        "extra_days": str(policy.extra_days),
        "paid_days": str(policy.paid_days),
        "notice_days": policy.notice_days,
    }
    unchanged = (policy.extra_days, policy.paid_days, policy.notice_days) == (
        extra_days,
        paid_days,
        notice_days,
    )
    if not unchanged:
        policy.extra_days, policy.paid_days, policy.notice_days = extra_days, paid_days, notice_days
        policy.full_clean()
        policy.save()
    if staff_work_bank_holidays is not None:
        organisation_bank_holidays_default_set(
            organisation=policy.organisation,
            staff_work_bank_holidays=staff_work_bank_holidays,
            by=by,
            channel=Channel.WEB,
        )
    if unchanged:
        return policy
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=Channel.WEB,
        target=policy,
        organisation_id=organisation_id,
        summary="Changed the leave policy",
        changes={
            "before": before,
            "after": {
                "extra_days": str(extra_days),
                "paid_days": str(paid_days),
                "notice_days": notice_days,
            },
        },
    )
    return policy
