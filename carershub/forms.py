"""Shared form plumbing: GOV.UK markup through crispy-forms-gds."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The one date input: a browser date picker in GOV.UK style.

    ``type="date"`` takes only ISO dates (2019-09-02), whatever the language, and shows an
    empty box for anything else, so a page rendering ``02/09/2019`` would send the date back
    empty and an unchanged save would wipe it. The format is therefore fixed here, once.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})},
            format="%Y-%m-%d",
        )


def date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    """A date question rendered with ``DateInput``."""
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


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
