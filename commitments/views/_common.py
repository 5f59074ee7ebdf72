"""Helpers the commitment pages share."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from commitments.models import CommitmentVersion
from commitments.services import CommitmentConflict
from organisations.types import OrgRequest
from shared.writes import EditConflict


class CurrentVersion:
    """``on_conflict`` for ``shared.forms.attempt``: keeps the version as it now stands when
    someone changed it meanwhile, so the page shows those words beside the form."""

    def __init__(self) -> None:
        self.version: CommitmentVersion | None = None

    def __call__(self, conflict: EditConflict) -> None:
        if isinstance(conflict, CommitmentConflict):
            self.version = conflict.current


def form_errors_as_messages(request: OrgRequest, form: forms.Form) -> None:
    """For one-button forms posted from another page: say why nothing happened there."""
    for error in form.non_field_errors():
        messages.error(request, str(error))
    for field in form:
        for error in field.errors:
            messages.error(request, str(error))


def to_version(request: OrgRequest, version: CommitmentVersion) -> HttpResponse:
    return redirect(
        "commitments:version", org_slug=request.organisation.slug, number=version.number
    )


def to_home(request: OrgRequest) -> HttpResponse:
    return redirect("commitments:home", org_slug=request.organisation.slug)
