from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.forms import GovukForm, OnceForm


class ApiTokenForm(OnceForm, GovukForm):
    submit_label = _("Create token")
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=100,
        help_text=_("For example, “Nightly HR system sync”."),
    )
