from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shared.forms import PlainForm

MAX_QUERY = 100


class SearchForm(PlainForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={"max_length": _("Search for %(limit_value)d characters or fewer")},
    )
