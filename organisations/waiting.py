"""What organisations itself adds to the home page's "Waiting for you" list: HR's staff imports.

Registered on ``organisations.hooks.waiting_for`` in ``OrganisationsConfig.ready()``, like any
feature app's items.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.hooks import HomeViewer, WaitingItem
from organisations.models import StaffImport, StaffImportStatus

#: How long an import that has finished stays on the list of the person who ran it.
FINISHED_SHOWN_FOR = timedelta(days=2)
#: At most this many imports are listed; the import page lists them all.
LISTED = 5
_FINISHED = (StaffImportStatus.APPLIED, StaffImportStatus.REJECTED, StaffImportStatus.FAILED)
_TITLES = {
    StaffImportStatus.PREVIEWED: _("Confirm or discard the staff import from %(file)s"),
    StaffImportStatus.APPLIED: _("The staff import from %(file)s has finished"),
    StaffImportStatus.REJECTED: _(
        "The staff import from %(file)s had errors: nothing was imported"
    ),
    StaffImportStatus.FAILED: _("The staff import from %(file)s failed: nothing was imported"),
}


def imports_waiting(*, viewer: HomeViewer) -> list[WaitingItem]:
    """The imports this person checked and has not yet confirmed or discarded, and those they
    ran that finished in the last two days, for as long as they may import staff. One query."""
    user, organisation = viewer.user, viewer.organisation
    if not user.has_perm("organisations.import_staff", organisation):
        return []
    since = timezone.now() - FINISHED_SHOWN_FOR
    mine = Q(uploaded_by=user) | Q(confirmed_by=user)
    jobs = StaffImport.objects.filter(organisation=organisation).filter(
        Q(status=StaffImportStatus.PREVIEWED, uploaded_by=user)
        | (mine & Q(status__in=_FINISHED, finished_at__gte=since))
    )
    items = []
    for job in jobs.order_by("-created_at")[:LISTED]:
        page = (
            "organisations:import_preview"
            if job.status == StaffImportStatus.PREVIEWED
            else "organisations:import_status"
        )
        items.append(
            WaitingItem(
                title=str(_TITLES[StaffImportStatus(job.status)]) % {"file": job.file_name},
                url=reverse(page, args=[organisation.slug, job.pk]),
            )
        )
    return items
