from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.models import DayPart

ROWS = 7  # at most a week of leave at a time


class CarersLeaveForm(forms.Form):
    """Up to seven days, each a full day, a morning or an afternoon; blank rows are ignored."""

    note = forms.CharField(
        label=_("Anything your manager should know (optional)"),
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
                widget=forms.DateInput(attrs={"type": "date"}),
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


class PostponeForm(forms.Form):
    new_first_day = forms.DateField(
        label=_("New first day"),
        widget=forms.DateInput(attrs={"type": "date"}),
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
