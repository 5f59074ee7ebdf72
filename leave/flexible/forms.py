"""The forms of the flexible-working pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from shared.forms import DateInput, GovukForm, OnceForm


class FlexibleRequestForm(OnceForm, GovukForm):
    submit_label = _("Send my request")
    change_requested = forms.CharField(
        label=_("What change would you like?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text=_(
            "For example: start at 10am and finish at 6pm on Tuesdays and Thursdays. "
            "You do not need to explain your reasons or how it would affect the business."
        ),
    )
    start_from = forms.DateField(label=_("When would you like it to start?"), widget=DateInput())


class ConsultationForm(OnceForm, GovukForm):
    submit_label = _("Record the conversation")
    held_on = forms.DateField(label=_("Date of the conversation"), widget=DateInput())
    notes = forms.CharField(
        label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class FlexibleDecisionForm(GovukForm):
    submit_label = _("Record the decision")
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("Approve")),
            ("approved_changes", _("Approve with changes")),
            ("refused", _("Refuse")),
        ],
    )
    agreed_change = forms.CharField(
        label=_("The change agreed (if different from the request)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    trial_until = forms.DateField(
        label=_("Trial period ends (optional)"),
        required=False,
        widget=DateInput(),
    )
    refusal_reasons = forms.MultipleChoiceField(
        label=_("Business reasons for refusing"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, _(label)) for code, label in FLEXIBLE_WORKING_REFUSAL_REASONS],
        help_text=_(
            "Only these reasons are allowed by law. You must have talked it through first."
        ),
    )
    refusal_explanation = forms.CharField(
        label=_("Explanation of the refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(GovukForm):
    submit_label = _("Appeal")
    reason = forms.CharField(
        label=_("Why are you appealing?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )


class ExtensionForm(GovukForm):
    submit_label = _("Record the extension")
    extended_to = forms.DateField(
        label=_("New date for the decision"),
        widget=DateInput(),
        help_text=_("Only if the employee has agreed to give you more time."),
    )
