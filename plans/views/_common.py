"""Helpers the plan pages share: running a service write without losing what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from plans.services import PlanConflict

T = TypeVar("T")


def attempt[T](form: forms.Form, write: Callable[[], T]) -> T | None:
    """Run a service write; put a clash or a rule failure on the form, keeping what was typed.

    On a clash the hidden version moves on, so saving again applies this person's values
    knowingly over the change they have now been told about.
    """
    try:
        return write()
    except PlanConflict as conflict:
        form.add_error(None, conflict.describe())
        if "version" in form.fields:
            data = form.data.copy()  # type: ignore[attr-defined]
            data[form.add_prefix("version")] = str(conflict.current_version)
            form.data = data
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    return None
