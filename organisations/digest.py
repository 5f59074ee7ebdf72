"""The email of what is waiting: the home page's "Waiting for you" list, for those who ask.

Each person chooses on their account page (``User.waiting_digest``): never, every morning or on
Monday mornings. One email covers all their organisations and goes only when something waits.
Its subject and opening are the same for everyone, because an inbox preview is as public as a
notice board; the items follow further down, as on the home page, and the requests it names
are audited as seen, as there (docs/adr/0014-audited-reads.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import translation

from accounts.models import DigestFrequency, User
from audit.models import Channel
from organisations.hooks import WaitingItem, waiting_for_viewer
from organisations.languages import language_for_user
from organisations.models import Membership, Organisation
from organisations.selectors import has_left, home_viewer, staff_record_for_user
from shared.emails import send_templated

#: Monday, when the weekly email goes.
WEEKLY_ON = 0
LISTED_IN = "the email of what waits for a decision"


@dataclass(frozen=True)
class DigestSection:
    organisation: Organisation
    items: list[WaitingItem]


def waiting_sections(*, user: User, today: date) -> list[DigestSection]:
    """What waits for ``user`` in each organisation where they hold power, as on its home page."""
    organisations = Organisation.objects.filter(
        pk__in=Membership.objects.with_power().filter(user=user).values("organisation_id")
    ).order_by("name", "pk")
    sections = []
    for organisation in organisations:
        if has_left(user=user, organisation=organisation):
            continue
        record = staff_record_for_user(user=user, organisation=organisation)
        viewer = home_viewer(
            user=user,
            organisation=organisation,
            record=record,
            today=today,
            listed_in=LISTED_IN,
            channel=Channel.SYSTEM,
        )
        items = waiting_for_viewer(viewer)
        if items:
            sections.append(DigestSection(organisation=organisation, items=items))
    return sections


def _due_today(today: date) -> Q:
    due = Q(waiting_digest=DigestFrequency.DAILY)
    if today.weekday() == WEEKLY_ON:
        due |= Q(waiting_digest=DigestFrequency.WEEKLY)
    return due


def send_waiting_digests(*, today: date) -> int:
    """Email each person due one today what waits for them; return how many were queued.

    Each person is claimed in a transaction of their own (``waiting_digest_sent_on``), with
    the email queued in it, so a second run the same day, or two workers at once, send nothing
    more; and the audit of what it lists commits with it.
    """
    people = (
        User.objects.filter(_due_today(today), is_active=True)
        .exclude(waiting_digest_sent_on=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in people.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = (
                User.objects.filter(pk=pk)
                .exclude(waiting_digest_sent_on=today)
                .update(waiting_digest_sent_on=today)
            )
            if not claimed:
                continue
            user = User.objects.get(pk=pk)
            # The items' titles are written as the sections are built: in the reader's
            # language, like the rest of the email.
            language = language_for_user(user)
            with translation.override(language):
                sections = waiting_sections(user=user, today=today)
            if not sections:
                continue
            send_templated(
                language=language,
                template="waiting_digest",
                to=[user.email],
                context={
                    "sections": sections,
                    "total": sum(item.count for s in sections for item in s.items),
                    "user": user,
                },
            )
            sent += 1
    return sent
