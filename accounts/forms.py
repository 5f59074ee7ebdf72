from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import DigestFrequency
from shared.forms import GovukForm


class AcceptInvitationForm(GovukForm):
    submit_label = _("Create account and join")
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few unrelated words make a strong password."),
    )

    def __init__(self, *args: Any, email: str, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        if not needs_password:
            # The organisation requires single sign-on: a password here could never be used.
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        from accounts.models import User

        validate_password(password, user=User(email=self.email))
        return password


class JoinForm(GovukForm):
    submit_label = _("Join")


class DigestForm(GovukForm):
    """The person's choice of an email of what waits for them (organisations.digest)."""

    submit_label = _("Save")
    waiting_digest = forms.ChoiceField(
        label=_("Email me what is waiting for me"),
        help_text=_(
            "One email listing what waits for you in each of your organisations, only on days "
            "when something does. Its subject and first lines never say what it is about."
        ),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


class LanguageForm(GovukForm):
    """The language the person reads pages, emails and documents in (docs/welsh.md)."""

    submit_label = _("Save")
    language = forms.ChoiceField(
        label=_("Language"),
        help_text=_(
            "Pages, emails and documents such as your passport come in this language. "
            "Choose your organisation's language to follow whatever it sets."
        ),
        choices=[],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language named in itself (settings.LANGUAGES), after the organisation's.
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Your organisation's language")),
            *settings.LANGUAGES,
        ]
