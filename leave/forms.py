from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.models import DayPart
from shared.forms import DateInput, GovukForm, OnceForm, PlainForm

ROWS = 7  # at most a week of leave at a time


class CarersLeaveForm(OnceForm, PlainForm):
    """Up to seven days, each a full day, a morning or an afternoon; blank rows are ignored.

    Its template writes the fields by hand, the one-time token included.
    """

    note = forms.CharField(
        label=_("Anything your line manager should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "You do not have to say why or give any evidence. Please do not include health details."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, ROWS + 1):
            self.fields[f"day_{index}"] = forms.DateField(
                label=_("Day %(n)s") % {"n": index},
                required=index == 1,
                widget=DateInput(),
            )
            self.fields[f"part_{index}"] = forms.ChoiceField(
                label=_("Day %(n)s: how much") % {"n": index},
                choices=DayPart.choices,
                initial=DayPart.FULL,
                required=False,
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"day_{i}"], self[f"part_{i}"]) for i in range(1, ROWS + 1)]

    def chosen_days(self) -> list[tuple[date, str]]:
        data = self.cleaned_data
        return [
            (data[f"day_{i}"], data.get(f"part_{i}") or DayPart.FULL)
            for i in range(1, ROWS + 1)
            if data.get(f"day_{i}") is not None
        ]


class PostponeForm(PlainForm):
    new_first_day = forms.DateField(
        label=_("New first day"),
        widget=DateInput(),
        help_text=_(
            "No later than one month after the first day asked for. The other days move with it."
        ),
    )
    reason = forms.CharField(
        label=_("Why would the business be unduly disrupted?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The employee sees this. The law allows postponing, never refusing."),
    )


class DependantsTimeOffForm(OnceForm, GovukForm):
    submit_label = _("Record it")

    who = forms.ChoiceField(label=_("Who was off?"))
    first_day = forms.DateField(label=_("First day off"), widget=DateInput())
    days = forms.DecimalField(
        label=_("How long, in working days"),
        min_value=Decimal("0.5"),
        max_value=Decimal("30"),
        decimal_places=1,
        help_text=_("Half days are fine, for example 0.5 or 1.5."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example “childminder ill”. Please do not include health details."),
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = people  # type: ignore[attr-defined]


class LeavePolicyForm(GovukForm):
    submit_label = _("Save policy")

    extra_days = forms.DecimalField(
        label=_("Extra carer's leave days a year, on top of the statutory week"),
        min_value=Decimal("0"),
        max_value=Decimal("60"),
        decimal_places=1,
        help_text=_(
            "In Northern Ireland, where there is no statutory right, this is the whole allowance."
        ),
    )
    paid_days = forms.DecimalField(
        label=_("How many carer's leave days you pay"),
        min_value=Decimal("0"),
        max_value=Decimal("60"),
        decimal_places=1,
    )
    notice_days = forms.IntegerField(
        label=_("Shorter notice you accept, in days (optional)"),
        required=False,
        min_value=0,
        help_text=_(
            "Leave blank for the statutory notice. You can ask for less notice, never more than three days."
        ),
    )
    staff_work_bank_holidays = forms.TypedChoiceField(
        label=_("Do your staff normally work bank holidays?"),
        choices=[
            ("no", _("No, bank holidays are days off")),
            ("yes", _("Yes, most staff work them as part of their rota")),
        ],
        coerce=lambda value: value == "yes",
        # Left out of a post, it stays as it is.
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_(
            "Carer's leave can fall on a bank holiday only for someone who works it. Each staff "
            "record can say otherwise for that person."
        ),
    )


class DeputyForm(OnceForm, GovukForm):
    submit_label = _("Appoint deputy")
    staff_number = forms.CharField(
        label=_("Your deputy's staff number"),
        max_length=40,
        help_text=_("A colleague in post who has an account here."),
    )
    from_date = forms.DateField(label=_("From"), widget=DateInput())
    to_date = forms.DateField(label=_("Until"), widget=DateInput())


class StatusFilterForm(PlainForm):
    """The status filter of HR's lists; an unknown status is reported, not ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *statuses]  # type: ignore[attr-defined]
