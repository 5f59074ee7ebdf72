"""The business case for supporting working carers, as an estimate the organisation can check
by hand (docs/business-case.md).

Our own model, built on the logic of the Employers for Carers case (avoided absence plus
staff kept), since no published formula exists:

* estimated carers = headcount x share of staff who are carers
* retention saving = estimated carers x share who leave work to care each year x cost of
  replacing one leaver
* absence saving = estimated carers x unplanned absence days avoided a year x daily cost

Every default carries where it comes from. Two of them (absence days avoided, daily cost)
have no published per-carer figure: they are illustrative, and the organisation is told to
put in its own. Nothing here reads the database; the page offers the organisation's own
figures separately, as shown in its report (rounded, never a count from 1 to 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insights.report import Report

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Source:
    """A published source a default is taken from."""

    title: str | Promise
    url: str
    #: None when the page carries no date of its own.
    year: int | None


@dataclass(frozen=True)
class Default:
    """A starting value for one input, with where it comes from.

    ``source`` is None for an illustrative value: the organisation's own assumption, which
    the page says plainly instead of lending it a citation it does not have."""

    value: Decimal
    #: How the value reads: "percent", "pounds" or "days".
    unit: str
    note: str | Promise
    source: Source | None = None

    @property
    def illustrative(self) -> bool:
        return self.source is None


# Carers UK's 2019 estimate: about 4.87 million people in work who also care, one worker in
# seven. We keep the fraction as a percentage to one decimal place, as the form takes it.
PREVALENCE = Default(
    unit="percent",
    value=Decimal("14.3"),
    note=_(
        "About one worker in seven (14.3%) combines paid work with unpaid care. The 2021 "
        "Census gives a lower 9% (about 2.5 million carers in work), which you may prefer "
        "as a cautious figure."
    ),
    source=Source(
        title=_("Carers UK, Juggling work and unpaid care (via Employers for Carers)"),
        url="https://employersforcarers.org/resources/facts-and-figures",
        year=2019,
    ),
)

#: Working carers in the UK (Carers UK, 2019), the base of the derived leaving rate.
WORKING_CARERS = 4_870_000
#: People who give up work to care each year (Employers for Carers).
LEAVERS_A_YEAR = 250_000


def derived_leave_rate() -> Decimal:
    """250,000 leavers a year out of about 4.87 million working carers, as a percentage to one
    decimal place (5.1). Derived by us: neither source publishes a yearly rate."""
    return (HUNDRED * LEAVERS_A_YEAR / Decimal(WORKING_CARERS)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


LEAVE_RATE = Default(
    unit="percent",
    value=derived_leave_rate(),
    note=_(
        "Worked out by us, not published as a rate: over 250,000 people a year give up work "
        "to care (about 600 a day), out of about 4.87 million working carers, which is about "
        "5.1% a year."
    ),
    source=Source(
        title=_("Employers for Carers, The business case"),
        url="https://employersforcarers.org/membership/business-case/",
        year=None,
    ),
)

REPLACEMENT_COST = Default(
    unit="pounds",
    value=Decimal(30614),
    note=_(
        "The average cost of replacing one employee: £25,181 of output lost while a new "
        "starter gets up to speed, and £5,433 for cover, recruitment and administration. "
        "If you know the salary, the direct cost of losing a working carer has also been "
        "put at 100% to 150% of it (Centrica and Carers UK, 2019)."
    ),
    source=Source(
        title=_("Oxford Economics for Unum, The Cost of Brain Drain"),
        url="https://www.oxfordeconomics.com/resource/the-cost-of-brain-drain/",
        year=2014,
    ),
)

ABSENCE_DAYS = Default(
    unit="days",
    value=Decimal(2),
    note=_(
        "Illustrative only: there is no published figure per carer. Put in your own "
        "assumption of the unplanned absence days each carer would avoid in a year with "
        "good support, for example from your absence records."
    ),
)

DAILY_COST = Default(
    unit="pounds",
    value=Decimal(200),
    note=_(
        "Illustrative only: there is no published figure. Put in your own cost of one day "
        "of a member of staff: yearly pay and on-costs divided by working days (for "
        "example £45,000 over 225 days is £200)."
    ),
)

DEFAULTS: dict[str, Default] = {
    "prevalence": PREVALENCE,
    "leave_rate": LEAVE_RATE,
    "replacement_cost": REPLACEMENT_COST,
    "absence_days": ABSENCE_DAYS,
    "daily_cost": DAILY_COST,
}

#: Published evidence shown beside the result, so the estimate can be weighed against it.
CENTRICA = Source(
    title=_("Centrica: why we are calling on UK business to support carers"),
    url="https://centrica.com/stories/2019/why-we-re-calling-on-uk-business-to-support-carers-in-the-workplace",
    year=2019,
)


@dataclass(frozen=True)
class Inputs:
    """What the calculation takes. Percentages are 0 to 100; money is in pounds."""

    headcount: int
    prevalence: Decimal
    leave_rate: Decimal
    replacement_cost: Decimal
    absence_days: Decimal
    daily_cost: Decimal


@dataclass(frozen=True)
class Result:
    """The estimate, every step kept so the page can show the working."""

    inputs: Inputs
    carers: int
    leavers: Decimal
    retention_saving: Decimal
    absence_days_total: Decimal
    absence_saving: Decimal

    @property
    def total(self) -> Decimal:
        """The two savings as shown (each already in whole pounds), so the total adds up."""
        return self.retention_saving + self.absence_saving


def pounds(amount: Decimal) -> Decimal:
    """Money to whole pounds, halves up: an estimate claims no pence."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def estimated_carers(*, headcount: int, prevalence: Decimal) -> int:
    """Headcount x share, to whole people: the rest of the working starts from this whole
    number, so every step shown can be checked with a calculator."""
    return int((headcount * prevalence / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def retention_saving(*, carers: int, leave_rate: Decimal, replacement_cost: Decimal) -> Decimal:
    """Carers who would otherwise leave to care in a year, each costing a replacement."""
    return pounds(carers * leave_rate / HUNDRED * replacement_cost)


def absence_saving(*, carers: int, absence_days: Decimal, daily_cost: Decimal) -> Decimal:
    """Unplanned absence days avoided in a year, each at the cost of a day."""
    return pounds(carers * absence_days * daily_cost)


def calculate(inputs: Inputs) -> Result:
    """The whole estimate from one set of inputs."""
    carers = estimated_carers(headcount=inputs.headcount, prevalence=inputs.prevalence)
    return Result(
        inputs=inputs,
        carers=carers,
        leavers=(carers * inputs.leave_rate / HUNDRED).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        ),
        retention_saving=retention_saving(
            carers=carers, leave_rate=inputs.leave_rate, replacement_cost=inputs.replacement_cost
        ),
        absence_days_total=carers * inputs.absence_days,
        absence_saving=absence_saving(
            carers=carers, absence_days=inputs.absence_days, daily_cost=inputs.daily_cost
        ),
    )


@dataclass(frozen=True)
class Observed:
    """The organisation's own figures the page can offer, as its report shows them: the
    staff figure rounded to 5, and the share who chose to be counted as carers, worked out
    from rounded figures. Either is None when the report does not show it (hidden, or 0)."""

    headcount: int | None
    counted_share: int | None


def observed(report: Report) -> Observed:
    """What of the report is worth offering. The counted share is a floor: counting is
    voluntary, so most organisations have more carers than have said so."""
    staff = report.carers.staff.value
    share = report.carers.percent
    return Observed(headcount=staff or None, counted_share=share or None)


@dataclass(frozen=True)
class Assumption:
    """One figure the estimate used, for the printed summary: the default it started from,
    and whether the organisation kept it or put in its own."""

    name: str
    label: str | Promise
    value: Decimal
    default: Default

    @property
    def is_default(self) -> bool:
        return self.value == self.default.value


def assumptions(inputs: Inputs, *, labels: dict[str, str | Promise]) -> list[Assumption]:
    """Every figure that has a default, in the form's order, labelled as the form labels it."""
    return [
        Assumption(name, labels[name], getattr(inputs, name), default)
        for name, default in DEFAULTS.items()
    ]
