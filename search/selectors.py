"""Who a searcher may find: only people whose names their role already puts in front of them.

- HR (whoever may view staff records) finds the organisation's staff records by name, staff
  number or email, and opens the staff record.
- A line manager finds, by name, the people they manage and, while a deputyship lasts, the
  teams they stand in for; they open the team page they already have. A deputy stands in for
  the line manager, so knowing who is in the team (names only) is part of the job, although
  the team's leave page lists only those with a request waiting.
- Anyone else, and anyone who has left the organisation, finds nobody.

Results never say who is a carer or anything else the trust rules keep back
(docs/trust-rules.md): only a name, and for HR the staff number and work email the staff record
already shows. Each search costs the same few queries whatever the organisation's size: one
page is read, with one row more to know whether there is a next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from leave.public import teams_deputised
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.selectors import (
    has_left,
    reports_of,
    roles_in,
    staff_record_for_user,
    staff_records_visible_to,
)
from shared.paging import CountlessPage, countless_page

PAGE_SIZE = 20


@dataclass(frozen=True)
class PersonResult:
    name: str
    #: What else the searcher may see about them: for HR the staff number and email.
    detail: str
    #: Why they are in the results ("Staff record", "In your team"...).
    relation: str
    url: str


def _by_name(records: QuerySet[StaffRecord], query: str) -> QuerySet[StaffRecord]:
    """Every word typed matches the start of the first or last name."""
    for term in query.split():
        records = records.filter(Q(first_name__istartswith=term) | Q(last_name__istartswith=term))
    return records


def _empty(number: str | None) -> CountlessPage:
    return countless_page(StaffRecord.objects.none(), number=number, size=PAGE_SIZE)


def people_for(
    *, viewer: Any, organisation: Organisation, query: str, page: str | None, today: date
) -> CountlessPage:
    """One page of the people ``viewer`` may find in ``organisation`` matching ``query``, as
    ``PersonResult`` rows. An empty query finds nobody."""
    query = query.replace("\x00", "").strip()
    if (
        not query
        or has_left(user=viewer, organisation=organisation)
        or not roles_in(user=viewer, organisation=organisation)
    ):
        return _empty(page)
    slug = organisation.slug
    if viewer.has_perm("organisations.view_staff", organisation):
        found = countless_page(
            staff_records_visible_to(organisation=organisation, query=query),
            number=page,
            size=PAGE_SIZE,
        )
        rows = [
            PersonResult(
                name=record.full_name,
                detail=" · ".join(p for p in (record.staff_number, record.work_email) if p),
                relation=_("Staff record") if record.status == StaffStatus.ACTIVE else _("Left"),
                url=reverse("organisations:staff_detail", args=[slug, record.pk]),
            )
            for record in found.object_list
        ]
        return CountlessPage(object_list=rows, number=found.number, has_next=found.has_next)
    own = staff_record_for_user(user=viewer, organisation=organisation)
    if own is None or own.status != StaffStatus.ACTIVE:
        return _empty(page)
    managers = [own.pk, *teams_deputised(deputy=own, on=today)]
    # The organisation again, although line managers are kept within it when they are set.
    in_post = reports_of(manager_ids=managers).filter(organisation=organisation)
    team = _by_name(in_post.exclude(pk=own.pk), query).order_by("last_name", "first_name", "pk")
    found = countless_page(team, number=page, size=PAGE_SIZE)
    own_team = reverse("organisations:my_team", args=[slug])
    deputised_team = reverse("leave:team", args=[slug])
    rows = [
        PersonResult(
            name=record.full_name,
            detail="",
            relation=_("In your team")
            if record.line_manager_id == own.pk
            else _("In a team you are deputising for"),
            url=own_team if record.line_manager_id == own.pk else deputised_team,
        )
        for record in found.object_list
    ]
    return CountlessPage(object_list=rows, number=found.number, has_next=found.has_next)
