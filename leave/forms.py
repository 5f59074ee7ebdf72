from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.models import DayPart
from leave.preview import MAX_RANGE_DAYS
from shared.forms import DateInput, GovukForm, OnceForm, PlainForm

PART_DAY_CHOICES = [
    (DayPart.FULL.value, _("Full day")),
    (DayPart.MORNING.value, _("Morning only")),
    (DayPart.AFTERNOON.value, _("Afternoon only")),
]


class CarersLeaveForm(OnceForm, PlainForm):
    """A first and a last day, and a part day only at either end where wanted.

    The days in between are full days on the person's working days
    (``leave.preview.carers_leave_days_between`` turns the range into the list the rules
    check). Its template writes the fields by hand, the one-time token included.
    """

    first_day = forms.DateField(
        label=_("First day"),
        widget=DateInput(),
        error_messages={"required": _("Enter the first day of leave")},
    )
    last_day = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave this empty for one day."),
    )
    part_days = forms.ChoiceField(
        label=_("Is any day a part day?"),
        choices=[("no", _("No, all full days")), ("yes", _("Yes"))],
        help_text=_("Only the first or last day can be a morning or an afternoon."),
        initial="no",
        required=False,
        widget=forms.RadioSelect,
    )
    first_part = forms.ChoiceField(
        label=_("How much of the first day?"),
        choices=PART_DAY_CHOICES,
        initial=DayPart.FULL.value,
        required=False,
        widget=forms.RadioSelect,
    )
    last_part = forms.ChoiceField(
        label=_("How much of the last day?"),
        choices=PART_DAY_CHOICES,
        initial=DayPart.FULL.value,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only if you ask for more than one day."),
    )
    note = forms.CharField(
        label=_("Anything your line manager should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "You do not have to say why or give any evidence. Please do not include health details."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first is not None and last is not None:
            if last < first:
                self.add_error(
                    "last_day", _("The last day must be the same as or after the first day")
                )
            elif (last - first).days >= MAX_RANGE_DAYS:
                self.add_error("last_day", _("Ask for less than a year at a time"))
        return data

    def leave_range(self) -> dict[str, Any]:
        """The range asked for, for ``carers_leave_days_between``; part days only when the
        person said so, so a part chosen and then switched off is ignored."""
        data = self.cleaned_data
        parts = data.get("part_days") == "yes"
        return {
            "first_day": data["first_day"],
            "last_day": data.get("last_day"),
            "first_part": (data.get("first_part") or DayPart.FULL) if parts else DayPart.FULL,
            "last_part": (data.get("last_part") or DayPart.FULL) if parts else DayPart.FULL,
        }


class CarersLeaveDecisionForm(PlainForm):
    """The manager's one decision: agree, or postpone with a new first day and the reason.

    The law allows postponing, never refusing (Carer's Leave Regulations 2024, reg. 8), so
    there are two answers. The new date and reason belong to "postpone" only: agreeing ignores
    them. Its template writes the fields by hand, as GOV.UK radios with a conditional reveal.
    """

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("accept", _("Agree to the leave")), ("postpone", _("Postpone it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to agree to the leave or postpone it")},
    )
    new_first_day = forms.DateField(
        label=_("New first day"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "No later than one month after the first day asked for. The other days move with it."
        ),
    )
    reason = forms.CharField(
        label=_("Why would the business be unduly disrupted?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The employee sees this."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept":
            # Hidden under "postpone": what was typed there, even if invalid, is ignored.
            for name in ("new_first_day", "reason"):
                self.errors.pop(name, None)
        if data.get("decision") == "postpone":
            if data.get("new_first_day") is None and not self.has_error("new_first_day"):
                self.add_error("new_first_day", _("Enter the new first day"))
            if not (data.get("reason") or "").strip() and not self.has_error("reason"):
                self.add_error(
                    "reason", _("Give the reason the business would be unduly disrupted.")
                )
        return data


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


#: The longest range one export covers: two years, more than any payroll period needs.
EXPORT_MAX_DAYS = 731
EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]


class LeaveExportForm(PlainForm):
    """The dates of HR's leave export and the file it comes as. Sent by GET: choosing what
    to download changes nothing, so a link to an export can be kept and shared within HR."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())
    format = forms.ChoiceField(label=_("File"), choices=EXPORT_FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must be the same as or after the first"))
            elif (end - start).days >= EXPORT_MAX_DAYS:
                self.add_error("end", _("Choose a range of two years or less"))
        return data
