"""Helpers the commitment pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from commitments.models import CommitmentVersion
from commitments.services import CommitmentConflict
from organisations.types import OrgRequest

T = TypeVar("T")


def attempt[T](
    form: forms.Form, write: Callable[[], T]
) -> tuple[T | None, CommitmentVersion | None]:
    """Run a service write; put a clash or a rule failure on the form, keeping what was typed.

    Returns (result, current version on a clash). On a clash the hidden revision moves on,
    so saving again applies this person's text knowingly over the change they were shown.
    """
    try:
        return write(), None
    except CommitmentConflict as conflict:
        form.add_error(None, conflict.describe())
        data = form.data.copy()  # type: ignore[attr-defined]
        data["revision"] = str(conflict.current.revision)
        form.data = data
        return None, conflict.current
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            form.add_error(None, error.messages)
        return None, None


def form_errors_as_messages(request: OrgRequest, form: forms.Form) -> None:
    """For one-button forms posted from another page: say why nothing happened there."""
    for error in form.non_field_errors():
        messages.error(request, str(error))
    for field in form:
        for error in field.errors:
            messages.error(request, str(error))


def to_version(request: OrgRequest, version: CommitmentVersion) -> HttpResponse:
    return redirect("commitment_version", org_slug=request.organisation.slug, number=version.number)


def to_home(request: OrgRequest) -> HttpResponse:
    return redirect("commitment_home", org_slug=request.organisation.slug)
