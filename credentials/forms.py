from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.forms import GovukForm, OnceForm


class TrustedIssuerForm(OnceForm, GovukForm):
    submit_label = _("Trust this issuer")
    name = forms.CharField(
        label=_("Name of the issuer"),
        max_length=200,
        help_text=_("Shown to people when a credential from this issuer is checked."),
        error_messages={"required": _("Enter a name for this issuer")},
    )
    jwks_url = forms.URLField(
        label=_("Address of their key set"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": _(
                "Enter the address in the right format, like "
                "https://carers.example.org/.well-known/jwks.json"
            )
        },
        help_text=_(
            "Usually their site address followed by /.well-known/jwks.json. "
            "We fetch it now, and again whenever you refresh it."
        ),
    )
    jwks_json = forms.CharField(
        label=_("Or paste their key set"),
        required=False,
        max_length=256 * 1024,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "Only if our server cannot reach theirs. Paste the JSON document they publish, "
            'which starts with {"keys":.'
        ),
    )
    issuer = forms.CharField(
        label=_("Their issuer id"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text=_(
            "Needed if you paste their key set: the issuer id their credentials name, such as "
            "https://carers.example.org/issuers/3f0c6f1e-9a55-4d2b-8b7e-0c1d2e3f4a5b. "
            "Their Trusted credential issuers page shows it. Their keys are then trusted for "
            "that issuer only."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        url, pasted = cleaned.get("jwks_url"), (cleaned.get("jwks_json") or "").strip()
        if "jwks_url" in self.errors:
            return cleaned
        if url and pasted:
            self.add_error("jwks_url", _("Give the address or paste the key set, not both."))
        elif not url and not pasted:
            self.add_error("jwks_url", _("Enter the address of their key set, or paste it."))
        elif pasted and not (cleaned.get("issuer") or "").strip():
            self.add_error(
                "issuer",
                _(
                    "Enter the issuer id their credentials name. "
                    "A pasted key set is trusted for that one issuer only."
                ),
            )
        return cleaned


class RotateKeyForm(GovukForm):
    submit_label = _("Rotate the key")


class RevokeKeyForm(GovukForm):
    submit_label = _("Revoke the key")
    reason = forms.CharField(
        label=_("Why are you revoking this key?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are revoking this key")},
        help_text=_(
            "For example, “The key may have been copied from a backup”. "
            "Kept in the audit log; not published."
        ),
    )
