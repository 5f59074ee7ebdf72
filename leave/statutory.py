"""Statutory rules for carer's leave, time off for dependants and flexible working.

Each rule is a dated row per nation: a change in the law is a new row with its
``effective_from`` date and a test, not a rewrite. The functions below are the named
rules the rest of the app calls; each docstring cites its source, and
``docs/statutory-rules.md`` lists every row with where it comes from.

Great Britain (England, Wales, Scotland) follows the Carer's Leave Act 2023 with the
Carer's Leave Regulations 2024 (SI 2024/251) and the Employment Relations (Flexible
Working) Act 2023 (in force 6 April 2024) with the Flexible Working (Amendment)
Regulations 2023 (SI 2023/1328, day-one right from 6 April 2024). Northern
Ireland has its own law: rows marked ``to_verify`` must be checked against the
current NI regulations before they are relied on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from organisations.models import Nation

GREAT_BRITAIN = (Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND)


class NotAvailableInNation(Exception):
    """The statutory right does not exist where this organisation is."""

    code = "not_available_in_nation"


# --- Carer's leave -----------------------------------------------------------------


@dataclass(frozen=True)
class CarersLeaveRule:
    nation: Nation
    effective_from: date
    source: str
    #: Entitlement in working weeks in any 12-month period.
    weeks_per_year: Decimal
    #: Notice is the greater of this multiple of the days asked for, or the minimum.
    notice_multiplier: int
    notice_minimum_days: int
    #: The smallest block of leave that may be taken, in working days.
    smallest_unit_days: Decimal
    #: A postponed first day must fall within this many months of the first day asked for.
    postpone_within_months: int
    to_verify: bool = False


@dataclass(frozen=True)
class FlexibleWorkingRule:
    nation: Nation
    effective_from: date
    source: str
    requests_per_year: int
    decision_months: int
    qualifying_weeks: int
    consultation_before_refusal: bool
    #: A refusal must also be explained as reasonable (Employment Rights Act 2025).
    refusal_must_be_reasonable: bool
    #: Months after the decision period ends in which an extension may still be agreed
    #: with retrospective effect; None where the row's law sets no such limit we know of.
    retrospective_extension_months: int | None = None
    to_verify: bool = False


_GB_CARERS_LEAVE_2024 = {
    "effective_from": date(2024, 4, 6),
    "source": "Carer's Leave Act 2023; Carer's Leave Regulations 2024 (SI 2024/251), regs 4-8",
    "weeks_per_year": Decimal("1"),
    "notice_multiplier": 2,
    "notice_minimum_days": 3,
    "smallest_unit_days": Decimal("0.5"),
    "postpone_within_months": 1,
}

CARERS_LEAVE_RULES: tuple[CarersLeaveRule, ...] = tuple(
    CarersLeaveRule(nation=nation, **_GB_CARERS_LEAVE_2024)  # type: ignore[arg-type]
    for nation in GREAT_BRITAIN
)
# Northern Ireland: no statutory carer's leave (the Act does not extend there). When NI
# legislates, its row goes here with its own date.

_GB_FLEXIBLE_2014 = {
    "effective_from": date(2014, 6, 30),
    "source": "Flexible Working Regulations 2014 (SI 2014/1398); Children and Families Act 2014",
    "requests_per_year": 1,
    "decision_months": 3,
    "qualifying_weeks": 26,
    "consultation_before_refusal": False,
    "refusal_must_be_reasonable": False,
    # s.80G(1C)(b), inserted by the Children and Families Act 2014 s.132.
    "retrospective_extension_months": 3,
}
_GB_FLEXIBLE_2024 = {
    "effective_from": date(2024, 4, 6),
    "source": (
        "Employment Rights Act 1996 ss.80F-80I as amended by the Employment Relations (Flexible "
        "Working) Act 2023; Flexible Working (Amendment) Regulations 2023 (SI 2023/1328)"
    ),
    "requests_per_year": 2,
    "decision_months": 2,
    "qualifying_weeks": 0,
    "consultation_before_refusal": True,
    "refusal_must_be_reasonable": False,
    # s.80G(1C)(b), which the 2023 Act left as it was.
    "retrospective_extension_months": 3,
}
_GB_FLEXIBLE_2027 = {
    **_GB_FLEXIBLE_2024,
    # Commencement date not yet set by regulations: the date is a placeholder to confirm.
    "effective_from": date(2027, 10, 1),
    "source": "Employment Rights Act 2025 (flexible working: refusal must be reasonable)",
    "refusal_must_be_reasonable": True,
    "to_verify": True,
}

FLEXIBLE_WORKING_RULES: tuple[FlexibleWorkingRule, ...] = (
    *(
        FlexibleWorkingRule(nation=nation, **_GB_FLEXIBLE_2014)  # type: ignore[arg-type]
        for nation in GREAT_BRITAIN
    ),
    *(
        FlexibleWorkingRule(nation=nation, **_GB_FLEXIBLE_2024)  # type: ignore[arg-type]
        for nation in GREAT_BRITAIN
    ),
    *(
        FlexibleWorkingRule(nation=nation, **_GB_FLEXIBLE_2027)  # type: ignore[arg-type]
        for nation in GREAT_BRITAIN
    ),
    FlexibleWorkingRule(
        nation=Nation.NORTHERN_IRELAND,
        effective_from=date(2015, 4, 5),
        source="Flexible Working Regulations (Northern Ireland) 2015 (SR 2015/151): to verify",
        requests_per_year=1,
        decision_months=3,
        qualifying_weeks=26,
        consultation_before_refusal=False,
        refusal_must_be_reasonable=False,
        to_verify=True,
    ),
)

#: The eight business reasons a flexible-working request may be refused for
#: (Employment Rights Act 1996 s.80G(1)(b)).
FLEXIBLE_WORKING_REFUSAL_REASONS: tuple[tuple[str, str], ...] = (
    ("costs", "The burden of additional costs"),
    ("customer_demand", "A detrimental effect on the ability to meet customer demand"),
    ("reorganise", "Inability to reorganise work among existing staff"),
    ("recruit", "Inability to recruit additional staff"),
    ("quality", "A detrimental impact on quality"),
    ("performance", "A detrimental impact on performance"),
    ("insufficient_work", "Insufficient work during the periods the employee proposes to work"),
    ("structural_changes", "Planned structural changes"),
)


def _in_force[R: (CarersLeaveRule, FlexibleWorkingRule)](
    rows: tuple[R, ...], nation: Nation | str, on: date
) -> R | None:
    candidates = [r for r in rows if r.nation == nation and r.effective_from <= on]
    return max(candidates, key=lambda r: r.effective_from, default=None)


def carers_leave_rule(*, nation: Nation | str, on: date) -> CarersLeaveRule:
    """The carer's leave rule in force in ``nation`` on ``on``.

    Raises ``NotAvailableInNation`` in Northern Ireland and before 6 April 2024.
    """
    rule = _in_force(CARERS_LEAVE_RULES, nation, on)
    if rule is None:
        raise NotAvailableInNation(nation)
    return rule


def flexible_working_rule(*, nation: Nation | str, on: date) -> FlexibleWorkingRule:
    """The flexible-working rule in force in ``nation`` on the date a request is made."""
    rule = _in_force(FLEXIBLE_WORKING_RULES, nation, on)
    if rule is None:
        raise NotAvailableInNation(nation)
    return rule


def carers_leave_entitlement_days(
    *, days_per_week: Decimal, nation: Nation | str, on: date
) -> Decimal:
    """One normal working week, pro rata: someone working 3 days a week gets 3 days.

    Carer's Leave Regulations 2024, reg. 5 (one week in any 12-month period, taken in half
    or whole days) and reg. 6 (how a week is worked out: the employee's normal working week).
    Rounded down to the smallest unit that may be taken (half a day, reg. 5), so the
    entitlement is always usable.
    """
    rule = carers_leave_rule(nation=nation, on=on)
    days = days_per_week * rule.weeks_per_year
    units = math.floor(days / rule.smallest_unit_days)
    return rule.smallest_unit_days * units


def carers_leave_notice_days(*, days_or_part_days: int, nation: Nation | str, on: date) -> int:
    """How many days before the first day the "relevant date" falls.

    Carer's Leave Regulations 2024, reg. 7(3): the earlier of twice as many days in advance
    of the first day "as the number of days or part days to which the notice relates", or
    three days in advance. Each day asked for counts once, whole or half: a morning and a
    full day are two days or part days, so four.
    """
    rule = carers_leave_rule(nation=nation, on=on)
    return max(days_or_part_days * rule.notice_multiplier, rule.notice_minimum_days)


def carers_leave_notice_met(
    *, given_on: date, first_day: date, days_or_part_days: int, nation: Nation | str
) -> bool:
    """True when notice given on ``given_on`` came before the relevant date.

    Carer's Leave Regulations 2024, reg. 7(2)(d): the notice "must be given to the employer
    before the relevant date". For leave on Thursday with three days' notice the relevant
    date is Monday, so notice given on Monday is too late and on Sunday is in time. An
    employer may accept less (reg. 7(5)): that is the organisation's shorter notice.
    """
    needed = carers_leave_notice_days(
        days_or_part_days=days_or_part_days, nation=nation, on=first_day
    )
    return (first_day - given_on).days > needed


def carers_leave_latest_postponed_start(*, first_day: date, nation: Nation | str) -> date:
    """A postponed first day must fall within one month of the first day asked for.

    Carer's Leave Regulations 2024, reg. 8 (postponement where the operation of the
    business would be unduly disrupted).
    """
    try:
        months = carers_leave_rule(nation=nation, on=first_day).postpone_within_months
    except NotAvailableInNation:
        # Where only an organisation's own policy applies, it follows the same fair limit.
        months = 1
    return first_day + relativedelta(months=months)


def carers_leave_postponement_allowed(
    *, given_on: date, first_day: date, new_first_day: date, reason: str, nation: Nation | str
) -> str | None:
    """Why a postponement is not allowed, or None when it is.

    Carer's Leave Regulations 2024, reg. 8: the employer may postpone (never refuse) if
    the business would be unduly disrupted, by a notice given before the leave was due to
    start, stating the reason, with the leave rearranged to start within one month of the
    first day asked for.
    """
    if not reason.strip():
        return "reason_required"
    if given_on >= first_day:
        return "postponement_too_late"
    if new_first_day <= first_day:
        return "postponement_not_later"
    if new_first_day > carers_leave_latest_postponed_start(first_day=first_day, nation=nation):
        return "postponement_beyond_one_month"
    return None


def rolling_year_start(day: date) -> date:
    """The first day of the 12-month period that ends on ``day`` (inclusive)."""
    return day - relativedelta(years=1) + timedelta(days=1)


def carers_leave_windows_within_entitlement(
    *, days: dict[date, Decimal], entitlement: Decimal
) -> date | None:
    """Check every 12-month period: return the first day of a period that goes over, or None.

    "Any period of 12 months" (reg. 5, with the "relevant period" of reg. 3) means every
    window, not a leave year. The
    largest total is always in a window that starts on a day of leave, so checking
    those windows is enough.
    """
    ordered = sorted(days)
    for start in ordered:
        end = start + relativedelta(years=1)
        total = sum((days[d] for d in ordered if start <= d < end), Decimal(0))
        if total > entitlement:
            return start
    return None


def carers_leave_balance_on(
    *, day: date, days: dict[date, Decimal], entitlement: Decimal
) -> Decimal:
    """What is left on ``day``: the entitlement less leave in the 12 months up to and including it."""
    start = rolling_year_start(day)
    used = sum((amount for d, amount in days.items() if start <= d <= day), Decimal(0))
    return entitlement - used


# --- Working days ------------------------------------------------------------------

_SUBDIVISION = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=64)
def bank_holidays(nation: Nation | str, year: int) -> dict[date, str]:
    """Bank holidays for one nation and year, from the maintained ``holidays`` package."""
    import holidays  # a fifth of a second to load: only when a year is first asked for

    calendar = holidays.country_holidays("GB", subdiv=_SUBDIVISION[Nation(nation)], years=year)
    return dict(calendar.items())


def is_bank_holiday(day: date, nation: Nation | str) -> bool:
    return day in bank_holidays(nation, day.year)


def carers_leave_day_problem(
    *, day: date, working_days: str, nation: Nation | str, works_bank_holidays: bool = False
) -> tuple[str, str] | None:
    """Why ``day`` cannot be a day of carer's leave, as (code, bank holiday name), or None.

    Carer's leave is absence from work, measured in the employee's working week (Carer's
    Leave Regulations 2024), so each day must be one the employee would otherwise work: one
    of their working days (``not_a_working_day``) and, unless bank holidays are working days
    for them (a rota that includes them, ``works_bank_holidays``), not a bank holiday in
    their nation (``bank_holiday``). This is the app's reading, not a rule the regulations
    spell out. An irregular pattern (no fixed days, ``working_days == ""``) has no days off
    to check, so any day is allowed.
    """
    if not working_days:
        return None
    if str(day.isoweekday()) not in working_days:
        return ("not_a_working_day", "")
    if works_bank_holidays:
        return None
    name = bank_holidays(nation, day.year).get(day)
    if name is not None:
        return ("bank_holiday", name)
    return None


def period_of_months_last_day(*, beginning_with: date, months: int) -> date:
    """The last day of a period of ``months`` months *beginning with* ``beginning_with``.

    The corresponding-date rule (Dodds v Walker [1981] 1 WLR 1027, HL): a period of months
    ends on the date in the later month that bears the same number as the day it runs
    from. A period *beginning with* a day counts that day, so it ends on the day before
    the corresponding date: two months beginning with 23 November end on 22 January. Where
    the later month has no corresponding date (31 December, two months on), the period
    ends on that month's last day: 28 February, or 29 in a leap year. Halsbury's Laws
    states the rule in the same terms, and rule 1.4(2)(a) of SI 2018/1082 writes it out
    for a period whose beginning is given. Taking the last day and then the day before it
    would end the period before February had run, shorter than the statute gives.
    """
    corresponding = beginning_with + relativedelta(months=months)  # clamped to the month's end
    if corresponding.day != beginning_with.day:
        # No such date in the later month: the period runs to the end of that month.
        return corresponding
    return corresponding - timedelta(days=1)


def flexible_working_decision_due(*, received_on: date, nation: Nation | str) -> date:
    """The date by which a decision, including any appeal, must be given.

    Employment Rights Act 1996 s.80G(1B)(a) as amended by the Employment Relations (Flexible
    Working) Act 2023: the period of two months *beginning with* the date the application
    is made (three under the older rows), unless the employee agrees to extend it
    (s.80G(1B)(b)). The last day follows ``period_of_months_last_day``.
    """
    rule = flexible_working_rule(nation=nation, on=received_on)
    return period_of_months_last_day(beginning_with=received_on, months=rule.decision_months)


def flexible_working_latest_retrospective_extension(
    *, deadline: date, nation: Nation | str, received_on: date
) -> date | None:
    """The last day on which an extension may still be agreed once the decision period has
    ended, or None where no statutory limit is known for the row.

    ERA 1996 s.80G(1C)(b): an agreement to extend the decision period may be made with
    retrospective effect before the end of three months beginning with the day after the
    period ended.
    """
    rule = flexible_working_rule(nation=nation, on=received_on)
    if rule.retrospective_extension_months is None:
        return None
    return period_of_months_last_day(
        beginning_with=deadline + timedelta(days=1), months=rule.retrospective_extension_months
    )


def flexible_working_decision_period_ended(*, deadline: date, today: date) -> bool:
    """Whether a request still without a decision has stopped blocking a new one.

    ERA 1996 s.80F(4)(b), (4A) and (4B) as substituted by the Employment Relations (Flexible
    Working) Act 2023: no new application while an earlier one is "proceeding", and an
    application (or an appeal) is concluded when its decision period, with any agreed
    extension, ends without a decision, withdrawal or agreed disposal (s.80F(4B)(d)). The
    period's last day still counts, so the request proceeds until the day after
    ``deadline``. A concluded request still counts towards the number allowed in 12 months
    (s.80F(4)(a)); a later extension agreed with retrospective effect makes it proceed again
    (s.80F(4A)(c)), which the deadline moving forward shows.
    """
    return today > deadline


def flexible_working_requests_allowed(
    *, earlier_requests: list[date], on: date, nation: Nation | str
) -> bool:
    """Whether another statutory request may be made on ``on``: two in any 12 months in GB.

    Employment Rights Act 1996 s.80F(4) as amended by the 2023 Act.
    """
    rule = flexible_working_rule(nation=nation, on=on)
    start = rolling_year_start(on)
    recent = [d for d in earlier_requests if start <= d <= on]
    return len(recent) < rule.requests_per_year
