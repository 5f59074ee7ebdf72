"""The business-case calculator's form: sent with GET, so nothing is stored and the link to
an estimate can be kept or shared inside the organisation."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.business_case import DEFAULTS, Inputs
from shared.forms import GovukForm

#: The largest headcount taken: above the biggest UK employer's.
MAX_HEADCOUNT = 2_000_000
#: The most a replacement may be said to cost: several times a very high salary.
MAX_REPLACEMENT_COST = Decimal(1_000_000)
#: Working days in a year, roughly: no one avoids more absence than that.
MAX_ABSENCE_DAYS = Decimal(260)
MAX_DAILY_COST = Decimal(10_000)


#: Commas only as thousands separators ("30,614", "1,250.50"): "1,5" is not read as 15.
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def _without_thousands(value: str) -> str:
    """``value`` with its thousands separators taken out, or as typed (to be refused as not a
    number) when a comma is anything else, such as a decimal comma."""
    if "," in value and THOUSANDS.fullmatch(value):
        return value.replace(",", "")
    return value


class FriendlyDecimalField(forms.DecimalField):
    """A number as people type it: "£30,614" or "14.3%" are read as 30614 and 14.3."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _without_thousands(value.strip().removeprefix("£").removesuffix("%").strip())
        return super().to_python(value)


class FriendlyIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = _without_thousands(value.strip())
        return super().to_python(value)


def _percent(label: Any, *, required: Any, invalid: Any, too_high: Any) -> FriendlyDecimalField:
    return FriendlyDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=None,
        decimal_places=1,
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": _("A percentage cannot be less than 0"),
            "max_value": too_high,
            "max_decimal_places": _("Enter a percentage to one decimal place at most"),
        },
    )


def _amount(
    label: Any, *, maximum: Decimal, required: Any, invalid: Any, too_low: Any, too_high: Any
) -> FriendlyDecimalField:
    return FriendlyDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=maximum,
        max_digits=None,
        decimal_places=2,
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": too_low,
            "max_value": too_high,
            "max_decimal_places": invalid,
        },
    )


class BusinessCaseForm(GovukForm):
    submit_label = _("Work out the estimate")

    headcount = FriendlyIntegerField(
        label=_("Staff in the organisation (headcount)"),
        min_value=1,
        max_value=MAX_HEADCOUNT,
        error_messages={
            "required": _("Enter how many people work for the organisation"),
            "invalid": _("Enter the headcount as a whole number, like 1200"),
            "min_value": _("The headcount must be at least 1"),
            "max_value": _("The headcount must be 2,000,000 or fewer"),
        },
    )
    prevalence = _percent(
        _("Share of staff who are carers (%)"),
        required=_("Enter the share of staff who are carers"),
        invalid=_("Enter the share of staff who are carers as a number, like 14.3"),
        too_high=_("The share of staff who are carers cannot be more than 100%%"),
    )
    leave_rate = _percent(
        _("Share of carers who leave work to care each year (%)"),
        required=_("Enter the share of carers who leave work to care each year"),
        invalid=_("Enter the share of carers who leave each year as a number, like 5.1"),
        too_high=_("The share of carers who leave each year cannot be more than 100%%"),
    )
    replacement_cost = _amount(
        _("Cost of replacing one member of staff (£)"),
        maximum=MAX_REPLACEMENT_COST,
        required=_("Enter the cost of replacing one member of staff"),
        invalid=_("Enter the replacement cost in pounds, like 30614"),
        too_low=_("The replacement cost cannot be less than £0"),
        too_high=_("The replacement cost must be £1,000,000 or less"),
    )
    absence_days = _amount(
        _("Unplanned absence days each carer would avoid a year"),
        maximum=MAX_ABSENCE_DAYS,
        required=_("Enter the absence days each carer would avoid a year"),
        invalid=_("Enter the absence days as a number, like 2 or 1.5"),
        too_low=_("The absence days cannot be fewer than 0"),
        too_high=_("The absence days must be 260 or fewer, the working days in a year"),
    )
    daily_cost = _amount(
        _("Cost of one day of a member of staff (£)"),
        maximum=MAX_DAILY_COST,
        required=_("Enter the cost of one day of a member of staff"),
        invalid=_("Enter the daily cost in pounds, like 200"),
        too_low=_("The daily cost cannot be less than £0"),
        too_high=_("The daily cost must be £10,000 or less"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def inputs(self) -> Inputs:
        """The cleaned answers as the calculation takes them (call after ``is_valid``)."""
        return Inputs(**self.cleaned_data)


def starting_values(*, headcount: int | None) -> dict[str, Any]:
    """What an empty form shows: every published or illustrative default, and the
    organisation's own headcount as its report shows it, when there is one."""
    values: dict[str, Any] = {name: default.value for name, default in DEFAULTS.items()}
    if headcount:
        values["headcount"] = headcount
    return values
