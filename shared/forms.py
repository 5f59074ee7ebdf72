"""Shared form plumbing: GOV.UK markup through crispy-forms-gds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shared.text import clean_text
from shared.writes import EditConflict, RuleError


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


#: The attributes that make GOV.UK Frontend's button script ignore a second click within a
#: second, so a double click sends a form once. The server still checks (``shared.once``):
#: without JavaScript, or on a slow connection, a form can still arrive twice.
PREVENT_DOUBLE_CLICK = {"data-module": "govuk-button", "data-prevent-double-click": "true"}


def submit_button(name: str, label: Any, *, prevent_double_click: bool = False) -> Submit:
    """The submit button of a crispy form, with ``PREVENT_DOUBLE_CLICK`` when asked."""
    attrs = (
        {key.replace("-", "_"): value for key, value in PREVENT_DOUBLE_CLICK.items()}
        if prevent_double_click
        else {}
    )
    return Submit(name, label, **attrs)


def takes_text(field: forms.Field) -> bool:
    """Whether ``field`` is free text for the text rule (``shared.text``): every
    ``CharField`` but a password, which is never shown and must reach the hasher exactly as
    typed. Choice, date and number fields only accept values of their own."""
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


def is_multiline(field: forms.Field) -> bool:
    """A text area takes several lines; any other text input takes one."""
    return isinstance(field.widget, forms.Textarea)


class TextRuleForm(forms.BaseForm):
    """The base of every form in the project (through ``GovukForm``, ``GovukModelForm`` and
    ``PlainForm``; ``carershub/tests/test_text_forms.py`` checks that none escapes).

    Each text answer goes through ``shared.text.clean_text`` before its field's own
    checks, so a length limit counts what is kept: a single line loses what is not text, a
    text area refuses it with an error against the field naming the character and its line.
    The page shows what was typed, as for any other error.
    """

    def _clean_fields(self) -> None:
        # Django's own loop (BaseForm._clean_fields), with the text rule first.
        for name, field in self.fields.items():
            bound = self[name]
            try:
                if takes_text(field) and not field.disabled and isinstance(bound.data, str):
                    label = str(field.label or pretty_name(name)).removesuffix(" (optional)")
                    value = clean_text(bound.data, multiline=is_multiline(field), label=label)
                    self.cleaned_data[name] = field.clean(value)
                else:
                    self.cleaned_data[name] = field._clean_bound_field(bound)  # type: ignore[attr-defined]
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


class PlainForm(TextRuleForm, forms.Form):
    """A form whose template writes its fields by hand, or a part of a larger one."""


class AdminModelForm(TextRuleForm, forms.ModelForm):  # type: ignore[type-arg]
    """The Django admin's form (``ModelAdmin.form``) for a model whose text is edited there:
    an organisation's name typed by a deployment admin is read in everyone's downloads."""


class GovukForm(TextRuleForm, forms.Form):
    """A form that renders in GOV.UK style with one submit button."""

    submit_label: Any = _("Continue")
    #: True on forms that add something (``OnceForm``).
    prevent_double_click = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Our error summary, not the browser's pop-ups, reports problems (GOV.UK pattern).
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(
            submit_button(
                "submit", self.submit_label, prevent_double_click=self.prevent_double_click
            )
        )


class GovukModelForm(TextRuleForm, forms.ModelForm):  # type: ignore[type-arg]
    submit_label: Any = _("Save")
    prevent_double_click = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Our error summary, not the browser's pop-ups, reports problems (GOV.UK pattern).
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(
            submit_button(
                "submit", self.submit_label, prevent_double_click=self.prevent_double_click
            )
        )


#: The name of the hidden one-time token a form that adds something carries.
FORM_TOKEN = "form_token"  # noqa: S105 (a field name, not a secret)


def new_form_token() -> str:
    return secrets.token_urlsafe(16)


class _FormTokenField(forms.CharField):
    """The hidden token. A form posted without one is shown again with a new one, so the
    next attempt is protected too."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data or initial


class OnceForm(TextRuleForm):
    """Mixed in first (``class NoteForm(OnceForm, GovukForm)``) on a form that only adds
    records, so a second identical submission adds nothing (``shared.once``).

    The form carries a hidden one-time token, made when the page is built, and its button
    ignores a double click. The view is wrapped in ``shared.once.one_submission``, which
    records the token the first time and answers a repeat with where the first one went.
    Crispy renders the token with the other fields; a template that writes fields by hand
    must write ``{{ form.form_token }}`` too. The token never reaches ``cleaned_data``, so
    views that pass the whole of it to a service are not affected.
    """

    prevent_double_click = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FORM_TOKEN] = _FormTokenField(
            required=False, widget=forms.HiddenInput, initial=new_form_token
        )
        helper = getattr(self, "helper", None)
        if helper is not None:
            # Shown even when the form lays out only some of its fields.
            helper.render_hidden_fields = True

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(FORM_TOKEN, None)


def add_validation_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: each message beside its field when the
    form has it, otherwise in the error summary."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def attempt[T](
    form: forms.BaseForm,
    write: Callable[[], T],
    *,
    on_conflict: Callable[[EditConflict], None] | None = None,
    field: str | None = None,
) -> T | None:
    """Run a service write from a page; on refusal put the reason on the form, keeping what
    was typed, and return ``None``.

    A refusal goes beside the field it names (``RuleError.field``), else beside ``field``
    (the one a page's whole question is about), else above the form.

    On an edit conflict the form's hidden version moves on to the current one, so saving
    again applies this person's values knowingly over the change they have now been shown;
    ``on_conflict`` lets a page show the current record beside the form.
    """
    try:
        return write()
    except EditConflict as conflict:
        for line in conflict.describe():
            form.add_error(None, line)
        name = form.add_prefix(conflict.version_field)
        if conflict.version_field in form.fields and conflict.current_version is not None:
            data = form.data.copy()  # type: ignore[attr-defined]
            data[name] = str(conflict.current_version)
            form.data = data
        if on_conflict is not None:
            on_conflict(conflict)
    except RuleError as error:
        named = error.field if error.field in form.fields else field
        form.add_error(named if named in form.fields else None, error.message)
    except ValidationError as error:
        add_validation_errors(form, error)
    return None


class PageVersion(PlainForm):
    """The version of a record the page was opened at (0: none yet), so a save from an older
    copy (another tab) is caught by the service. The field is hidden: when it is missing or
    wrong the form says so at the top, not beside it."""

    #: The edit the page is for, ending the sentence "Open the page again and … there."
    redo: Any = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "version" in self.errors:
            self.errors.pop("version")
            raise forms.ValidationError(
                _(
                    "We could not tell which copy of this page you started from, so nothing "
                    "has been saved. Open the page again and %(redo)s there."
                )
                % {"redo": self.redo}
            )
        return cleaned


def posted_version(request: HttpRequest) -> int:
    """The page version a bare button (a form with only a hidden ``version``) sent; anything
    unreadable is -1, which never matches, so the service refuses it as an edit conflict."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1
