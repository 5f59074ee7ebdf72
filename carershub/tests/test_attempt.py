"""``shared.forms.attempt``: where a refused write's reason lands on the page's form."""

from __future__ import annotations

from django import forms

from shared.forms import GovukForm, attempt
from shared.writes import RuleError


class _Form(GovukForm):
    first_day = forms.DateField()
    note = forms.CharField(required=False)


def _refuse(field: str | None = None) -> None:
    raise RuleError("not_allowed", "Not allowed.", field=field)


def _form() -> _Form:
    form = _Form({"first_day": "2026-12-07", "note": "Typed"})
    assert form.is_valid()
    return form


def test_the_field_the_rule_names_wins() -> None:
    form = _form()
    assert attempt(form, lambda: _refuse("note"), field="first_day") is None
    assert form.errors == {"note": ["Not allowed."]}


def test_otherwise_the_pages_field() -> None:
    form = _form()
    assert attempt(form, lambda: _refuse(), field="first_day") is None
    assert form.errors == {"first_day": ["Not allowed."]}


def test_a_field_the_form_lacks_goes_above_the_form() -> None:
    form = _form()
    assert attempt(form, lambda: _refuse("new_first_day"), field="nowhere") is None
    assert form.errors == {"__all__": ["Not allowed."]}
    assert form.data["note"] == "Typed"


def test_success_returns_what_the_write_returned() -> None:
    form = _form()
    assert attempt(form, lambda: 42, field="first_day") == 42
    assert not form.errors
