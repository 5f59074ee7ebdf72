"""What a carer's leave request would be before it is sent: the days a first and last day
cover, and what the rules say about them (the notice needed, the earliest first day allowed
and the allowance left), so the form can show it while the person is still choosing.

People think of leave as "from Tuesday to Friday", not as a list of dates. The range becomes
the list the rules are written for (``leave.services.carers_leave_request``): the person's
working days inside it, each a full day except the first and last where a part day is asked
for. The rules then run exactly as for a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from leave import statutory
from leave.models import DayPart
from leave.selectors import Balance, balance_for
from leave.services import carers_leave_request_problem, notice_days
from organisations.models import StaffRecord

#: The longest range the form takes at once; far more than any allowance, small enough to
#: walk day by day.
MAX_RANGE_DAYS = 366


def carers_leave_days_between(
    *,
    staff: StaffRecord,
    first_day: date,
    last_day: date | None,
    first_part: str = DayPart.FULL,
    last_part: str = DayPart.FULL,
) -> list[tuple[date, str]]:
    """The (date, part) list for leave from ``first_day`` to ``last_day`` inclusive.

    The first and last days are always in the list, so a first or last day the person does
    not work is reported by the rules with its reason (``not_a_working_day``,
    ``bank_holiday``) rather than silently dropped. Days in between that are not working days
    for them (``statutory.carers_leave_day_problem``: their pattern and bank holidays, as the
    rules read them) are left out: nobody takes leave on a day off. With no last day, or the
    same day twice, it is one day with the first day's part, or the last day's where only
    that one was made a part day, so a morning or afternoon chosen is never lost.
    """
    if last_day is None or last_day <= first_day:
        return [(first_day, first_part if first_part != DayPart.FULL else last_part)]
    works_bank_holidays = staff.bank_holidays_worked
    nation = staff.organisation.nation
    days: list[tuple[date, str]] = [(first_day, first_part)]
    day = first_day + timedelta(days=1)
    while day < last_day:
        problem = statutory.carers_leave_day_problem(
            day=day,
            working_days=staff.working_days,
            nation=nation,
            works_bank_holidays=works_bank_holidays,
        )
        if problem is None:
            days.append((day, DayPart.FULL.value))
        day += timedelta(days=1)
    days.append((last_day, last_part))
    return days


@dataclass(frozen=True)
class LeavePreview:
    """What the form shows beside the days chosen (none yet: an empty list)."""

    days: list[tuple[date, str]]
    #: In working days: a half day counts 0.5.
    total: Decimal
    #: The fewest days between asking and the first day, for this many days or part days.
    notice_days: int
    earliest_first_day: date
    balance: Balance
    #: Why the rules would not accept these days as they stand, or "".
    problem: str = ""


def carers_leave_preview(
    *, staff: StaffRecord, days: list[tuple[date, str]], today: date
) -> LeavePreview:
    """The notice, earliest first day and allowance for ``days`` asked for ``today``, from
    the same functions the request itself is checked with. With no days yet, for one day."""
    first_day = days[0][0] if days else today
    needed = notice_days(staff=staff, days_or_part_days=max(len(days), 1), first_day=first_day)
    problem = carers_leave_request_problem(staff=staff, days=days, today=today) if days else None
    return LeavePreview(
        days=days,
        total=sum(
            (Decimal(1) if part == DayPart.FULL else Decimal("0.5") for _d, part in days),
            Decimal(0),
        ),
        notice_days=needed,
        earliest_first_day=today + timedelta(days=needed),
        balance=balance_for(staff=staff, on=today),
        problem=problem.message if problem is not None else "",
    )
