"""The forms of the flexible-working pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from shared.forms import DateInput, GovukForm, OnceForm, PlainForm


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


class FlexibleDecisionForm(PlainForm):
    """One decision, three answers, each with only its own questions.

    Approve (with an optional trial end), approve with changes (the change agreed and an
    optional trial end) or refuse (the statutory business reasons and an explanation). The
    template reveals each answer's questions under it (GOV.UK conditional radios); without
    JavaScript they are all shown, so what belongs to an answer not chosen is ignored here
    and never reaches the record.
    """

    outcome = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("Approve")),
            ("approved_changes", _("Approve with changes")),
            ("refused", _("Refuse")),
        ],
        error_messages={"required": _("Choose approve, approve with changes, or refuse")},
    )
    trial_until = forms.DateField(
        label=_("Trial period ends (optional)"), required=False, widget=DateInput()
    )
    agreed_change = forms.CharField(
        label=_("The change agreed"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say how it differs from what was asked for."),
    )
    changes_trial_until = forms.DateField(
        label=_("Trial period ends (optional)"), required=False, widget=DateInput()
    )
    refusal_reasons = forms.MultipleChoiceField(
        label=_("Business reasons for refusing"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, _(label)) for code, label in FLEXIBLE_WORKING_REFUSAL_REASONS],
        # The page adds whether a conversation must come first (the rule row decides).
        help_text=_("Only these reasons are allowed by law."),
    )
    refusal_explanation = forms.CharField(
        label=_("Explanation of the refusal"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    #: The questions under each answer; the others' are ignored, errors and all.
    QUESTIONS = {
        "approved": ("trial_until",),
        "approved_changes": ("agreed_change", "changes_trial_until"),
        "refused": ("refusal_reasons", "refusal_explanation"),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("outcome")
        if chosen in self.QUESTIONS:
            for outcome, names in self.QUESTIONS.items():
                if outcome != chosen:
                    for name in names:
                        self.errors.pop(name, None)
        return data

    #: Which question a refusal from ``flexible_request_decide`` is about, by its code.
    FIELD_FOR_CODE = {
        "refusal_not_allowed": "refusal_reasons",
        "explanation_required": "refusal_explanation",
        "agreed_change_required": "agreed_change",
    }

    def field_for(self, code: str) -> str:
        """The question an error from the service belongs beside (the decision itself if none)."""
        if code == "trial_in_past":
            return self._trial_field()
        return self.FIELD_FOR_CODE.get(code, "outcome")

    def _trial_field(self) -> str:
        return (
            "changes_trial_until"
            if self.cleaned_data.get("outcome") == "approved_changes"
            else "trial_until"
        )

    def decision(self) -> dict[str, Any]:
        """The service's arguments for the answer chosen, the others' left empty."""
        data = self.cleaned_data
        outcome = data["outcome"]
        return {
            "outcome": outcome,
            "agreed_change": data["agreed_change"] if outcome == "approved_changes" else "",
            "trial_until": data[self._trial_field()] if outcome != "refused" else None,
            "refusal_reasons": data["refusal_reasons"] if outcome == "refused" else [],
            "refusal_explanation": data["refusal_explanation"] if outcome == "refused" else "",
        }


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
