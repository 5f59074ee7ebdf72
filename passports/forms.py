from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from passports.models import AdjustmentKind, AdjustmentStatus, HoursBand, NeedKind, Relationship
from shared.forms import GovukForm, OnceForm, PlainForm, date_field

NO_HEALTH_DETAIL = _(
    "Describe what you do and how it affects work, not the person's diagnosis or health. "
    "They have not signed up to this service."
)


class VersionedForm(GovukForm):
    """Carries the passport version the person was looking at, to catch clashing edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DeclarationForm(GovukForm):
    submit_label = _("Save")

    relationship = forms.ChoiceField(
        label=_("Who do you care for? (optional)"),
        choices=Relationship.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    need_kinds = forms.MultipleChoiceField(
        label=_("What kind of need do they have? (optional)"),
        help_text=_("Choose any that apply. We never ask for a diagnosis."),
        choices=NeedKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_band = forms.ChoiceField(
        label=_("About how many hours a week do you spend caring? (optional)"),
        choices=HoursBand.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    share_with_manager = forms.BooleanField(
        label=_("Share my passport with my line manager"),
        help_text=_(
            "They can then read it, add to it and agree it with you. You can stop at any time."
        ),
        required=False,
    )
    record_on_staff_record = forms.BooleanField(
        label=_("Record that I am a carer on my staff record"),
        help_text=_(
            "HR will then see that you are a carer, by name. They never see your passport."
        ),
        required=False,
    )
    include_in_counts = forms.BooleanField(
        label=_("Include me in anonymised counts"),
        help_text=_(
            "Only if you tick it. Reports then count you without your name, and never show a "
            "number under 5, so nobody can be picked out."
        ),
        required=False,
    )


class AboutForm(VersionedForm):
    submit_label = _("Save")

    about_caring = forms.CharField(
        label=_("About my caring role"),
        help_text=NO_HEALTH_DETAIL,
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    plan_b_contacts = forms.CharField(
        label=_("Plan B: who can step in or should be contacted in an emergency"),
        help_text=_("For example a relative or neighbour, and how to reach them."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan_b_at_work = forms.CharField(
        label=_("Plan B: what should happen at work if I have to leave at once"),
        help_text=_("Who covers, who to tell, what can wait."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AdjustmentForm(OnceForm, VersionedForm):
    submit_label = _("Add")

    kind = forms.ChoiceField(
        label=_("What would help?"), choices=AdjustmentKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        help_text=_("For example: start any time between 8 and 9:30."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_on = date_field(_("Review this by (optional)"))


class AdjustmentUpdateForm(VersionedForm):
    submit_label = _("Save")

    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AdjustmentStatus.choices, widget=forms.RadioSelect
    )
    review_on = date_field(_("Review this by (optional)"))

    def __init__(self, *args: Any, allowed_statuses: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (v, label) for v, label in AdjustmentStatus.choices if v in allowed_statuses
        ]


class ReviewForm(VersionedForm):
    submit_label = _("Set review date")

    next_review_on = date_field(
        _("Next review"),
        required=True,
        help_text=_("Usually within a year, and sooner if things change."),
    )


class ConversationForm(OnceForm, GovukForm):
    submit_label = _("Add note")

    held_on = date_field(_("Date of the conversation"), required=True)
    notes = forms.CharField(
        label=_("What did you talk about and agree?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, for_manager: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Either of them may write the note; the hint speaks to whoever is writing it.
        self.fields["notes"].help_text = (
            _(
                "Note what you talked about and agreed at work, not the diagnosis or health of "
                "the person they care for. That person has not signed up to this service."
            )
            if for_manager
            else _(
                "Note what you talked about and agreed at work, not the diagnosis or health of "
                "the person you care for. They have not signed up to this service."
            )
        )


class CredentialForm(GovukForm):
    """What goes in the signed copy: adjustments and dates always; more only if ticked."""

    submit_label = _("Get a signed copy")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False  # the page wraps it, to post to the download address

    include_about = forms.BooleanField(
        label=_("Also include “About my caring role”"), required=False
    )
    include_plan_b = forms.BooleanField(label=_("Also include my Plan B"), required=False)


MAX_CREDENTIAL_BYTES = 64 * 1024


class CredentialUploadForm(GovukForm):
    submit_label = _("Check it")

    file = forms.FileField(
        label=_("Upload the credential file"),
        help_text=_(
            "The .jwt file you downloaded from your previous employer's Working Carers Hub."
        ),
        required=False,
    )
    pasted = forms.CharField(
        label=_("Or paste the credential"),
        help_text=_("It is one long line of letters, numbers and dots."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    holder_code = forms.CharField(
        label=_("Your holder code"),
        help_text=_(
            "The 12-character code you were shown when you downloaded the passport, "
            "like K7QM-2XHD-9RWP. It shows the passport is yours."
        ),
        max_length=40,
        error_messages={
            "required": _("Enter the holder code you were given when you downloaded the passport")
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_BYTES:
                self.add_error("file", _("The file is too large to be a credential."))
                return data
            try:
                data["token"] = upload.read().decode("ascii").strip()
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not a credential."))
                return data
        else:
            data["token"] = (data.get("pasted") or "").strip()
            if not data["token"]:
                self.add_error("pasted", _("Upload the credential file or paste it."))
        return data


class CarryOverForm(PlainForm):
    """Which of the verified adjustments to bring; the credential rides along to be checked again."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CREDENTIAL_BYTES)
    holder_code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    chosen = forms.TypedMultipleChoiceField(
        label=_("Which adjustments do you want to talk about with your new manager?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one adjustment to bring.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices
