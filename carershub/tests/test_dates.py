"""Dates read "1 June 2027" everywhere, and every date input shows the date it holds."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.utils import translation

from shared.dates import long_date, long_date_with_day, long_datetime
from shared.forms import DateInput


def test_dates_are_written_one_way_in_python_and_templates():
    assert long_date(date(2027, 6, 1)) == "1 June 2027"
    assert long_date_with_day(date(2027, 6, 1)) == "Tuesday 1 June 2027"
    # 13:05 UTC is 14:05 in London in summer.
    assert long_datetime(datetime(2027, 6, 1, 13, 5, tzinfo=UTC)) == "1 June 2027, 14:05"
    assert long_date(datetime(2027, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2027"
    rendered = Template("{{ day }}|{{ day|date }}").render(Context({"day": date(2027, 6, 1)}))
    assert rendered == "1 June 2027|1 June 2027"


def test_a_task_with_no_language_active_writes_dates_the_same_way():
    with translation.override(None):
        assert long_date(date(2027, 6, 1)) == "1 June 2027"


def test_the_date_input_renders_an_iso_date_that_a_date_picker_can_show():
    widget = DateInput()
    html = widget.render("start", date(2019, 9, 2))
    assert 'type="date"' in html
    assert 'value="2019-09-02"' in html
    assert "govuk-input" in html


def _form_classes():
    for config in apps.get_app_configs():
        if not config.path.startswith(str(apps.get_app_config("carershub").path).rsplit("/", 1)[0]):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


FORMS = sorted(_form_classes(), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def test_the_project_has_forms_to_check():
    assert len(FORMS) > 20


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_date_question_uses_the_one_date_input(form_class):
    """A date field with any other widget renders the date in the page's locale, which a date
    input cannot show: an unchanged save would wipe it."""
    for name, field in getattr(form_class, "base_fields", {}).items():
        if isinstance(field, forms.DateField):
            assert isinstance(field.widget, DateInput), f"{form_class.__name__}.{name}"
