from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.forms import DateInput, GovukForm, OnceForm, PageVersion


class RevisionForm(GovukForm):
    """Carries the draft revision the person was looking at, to catch clashing edits."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AdoptForm(OnceForm, GovukForm):
    submit_label = _("Use this template")


class StartDraftForm(OnceForm, GovukForm):
    submit_label = _("Start a new draft")


class DraftForm(RevisionForm):
    submit_label = _("Save the draft")

    text = forms.CharField(
        label=_("Text of the commitment"),
        help_text=_(
            "Write it in your own voice. Leave a blank line between paragraphs. Start a line "
            "with # for a heading or 1. for a numbered point, and put **two stars** around "
            "words to make them bold."
        ),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 30}),
        strip=False,
    )


class ReadyForm(RevisionForm):
    submit_label = _("Send to the executive sponsor to sign")


class SignForm(RevisionForm):
    submit_label = _("Sign the commitment")

    name = forms.CharField(
        label=_("Your full name"),
        help_text=_("As it should appear on the published commitment."),
        max_length=200,
    )
    role = forms.CharField(
        label=_("Your job title"),
        help_text=_("For example, Chief Executive or Director of People."),
        max_length=200,
    )
    signed_on = forms.DateField(
        label=_("Date signed"),
        help_text=_("Today, or the day you signed a paper copy. It cannot be in the future."),
        widget=DateInput(),
    )
    authority_confirmed = forms.BooleanField(
        label=_("I confirm that I have the authority to sign this commitment for the organisation"),
        required=True,
        error_messages={
            "required": _("Confirm that you have the authority to sign for the organisation.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()


class PublishForm(GovukForm):
    submit_label = _("Publish this version")


class WithdrawForm(GovukForm):
    submit_label = _("Withdraw this version")

    reason = forms.CharField(
        label=_("Why is it being withdrawn?"),
        help_text=_("Staff with access to the history will see this reason."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublicPageForm(PageVersion, GovukForm):
    """The partnership lead's choice: whether anyone may read the signed commitments."""

    submit_label = _("Save")
    redo = _("make your choice")

    public = forms.TypedChoiceField(
        label=_("Show this page to anyone, without signing in"),
        help_text=_(
            "The public page lists the member organisations that published a commitment and the "
            "date each signed: not who signed, nor the words. Drafts and everything else stay "
            "private."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
