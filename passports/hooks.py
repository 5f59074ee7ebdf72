"""What passports adds to organisations' hook points (``organisations.hooks``).

Registered in ``PassportsConfig.ready()``. Ending and restoring shares are the services
themselves (``shares_close_stale``, ``shares_restore_after_import``); this module holds the
reads organisations needs: the shares leaving would end, the home page's passport cards and
the one fact HR may see on a staff record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.hooks import HomeCard, HomeViewer, RecordFact, Tie, WaitingItem
from organisations.models import StaffRecord, StaffStatus
from passports.models import PassportShare
from passports.selectors import (
    carer_status_recorded,
    shared_with_manager,
    waiting_for_carer,
    waiting_for_manager,
)

#: Where the passport cards sit among the feature apps' cards on the home page: first.
HOME_CARD_ORDER = 10


def open_shares(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each open share as ("share", the carer, the person it is shared with).

    A share is open until it ends, whatever the date, so ``on`` changes nothing here.
    """
    shares = PassportShare.objects.filter(
        passport__staff__organisation_id=organisation_id, ended_at__isnull=True
    ).values_list("passport__staff_id", "with_staff_id")
    for carer_id, with_id in shares.iterator(chunk_size=2000):
        yield "share", carer_id, with_id


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """The carer's own passport card, and the manager's count of passports shared with them.

    Counts only: names appear on the team passports page, where each read is audited.
    """
    record = viewer.record
    if record is None:
        return []
    cards = [HomeCard(order=HOME_CARD_ORDER, template="passports/_home_card.html")]
    shared = shared_with_manager(manager=record)
    if shared:
        overdue = sum(1 for p in shared if p.next_review_on and p.next_review_on < viewer.today)
        cards.append(
            HomeCard(
                order=HOME_CARD_ORDER + 1,
                template="passports/_home_card_shared.html",
                data={"shared_passports": len(shared), "reviews_overdue": overdue},
            )
        )
    return cards


def carer_fact(*, record: StaffRecord) -> list[RecordFact]:
    """Only ever the flag, and only when the carer chose to record it (trust rule 3)."""
    recorded = carer_status_recorded(staff=record)
    value = _("Yes, recorded at their request") if recorded else _("Not recorded")
    return [RecordFact(label=_("Carer"), value=value)]


def waiting_for(*, viewer: HomeViewer) -> list[WaitingItem]:
    """The carer's own passport to sign or review, and the manager's count of shared passports
    to sign or review: counts and links only, since reading a passport is audited on its page.

    Reviews show from ``PASSPORT_REVIEW_REMINDER_DAYS`` before they are due, as the reminder
    email does.
    """
    record = viewer.record
    if record is None or record.status != StaffStatus.ACTIVE:
        return []
    slug = viewer.organisation.slug
    review_by = viewer.today + timedelta(days=settings.PASSPORT_REVIEW_REMINDER_DAYS)
    items: list[WaitingItem] = []
    own = waiting_for_carer(staff=record, review_by=review_by)
    mine = reverse("passports:mine", args=[slug])
    if own.to_sign:
        items.append(WaitingItem(title=_("Sign your carer's passport"), url=mine))
    if own.reviews_due:
        items.append(
            WaitingItem(
                title=_("Review your carer's passport with your line manager"),
                url=mine,
                due=own.first_review,
                due_label=_("Review due"),
            )
        )
    if not viewer.report_count:
        return items
    team = waiting_for_manager(manager=record, review_by=review_by)
    shared = reverse("passports:team", args=[slug])
    if team.to_sign:
        title = ngettext(
            "Sign %(count)s passport shared with you",
            "Sign %(count)s passports shared with you",
            team.to_sign,
        ) % {"count": team.to_sign}
        items.append(WaitingItem(title=title, url=shared, count=team.to_sign))
    if team.reviews_due:
        title = ngettext(
            "Review %(count)s passport shared with you",
            "Review %(count)s passports shared with you",
            team.reviews_due,
        ) % {"count": team.reviews_due}
        items.append(
            WaitingItem(
                title=title,
                url=shared,
                due=team.first_review,
                due_label=_("First review due"),
                count=team.reviews_due,
            )
        )
    return items
