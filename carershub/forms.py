"""Shared form plumbing: GOV.UK markup through crispy-forms-gds."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class GovukForm(forms.Form):
    """A form that renders in GOV.UK style with one submit button."""

    submit_label: Any = _("Continue")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Our error summary, not the browser's pop-ups, reports problems (GOV.UK pattern).
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", self.submit_label))


class GovukModelForm(forms.ModelForm):  # type: ignore[type-arg]
    submit_label: Any = _("Save")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Our error summary, not the browser's pop-ups, reports problems (GOV.UK pattern).
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", self.submit_label))
