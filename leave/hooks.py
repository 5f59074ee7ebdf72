"""What leave adds to organisations' hook points (``organisations.hooks``).

Registered in ``LeaveConfig.ready()``: the deputyships leaving would end, and the home page's
cards for carer's leave and flexible working.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leave.deputies import managers_deputised
from leave.flexible.selectors import flexible_waiting_queryset
from leave.models import CarersLeaveRequest, Deputy, FlexibleStatus
from leave.selectors import (
    audit_ids_read,
    audit_list_read,
    carers_leave_to_decide,
    carers_leave_waiting_count,
    decisions_to_read,
)
from organisations.hooks import HomeCard, HomeViewer, Tie, WaitingItem
from organisations.models import StaffRecord, StaffStatus

#: How many requests of each kind the home page lists one by one; the rest are one line.
WAITING_LISTED = 5

#: Where the leave cards sit among the feature apps' cards on the home page: after passports.
HOME_CARD_ORDER = 20


def open_deputyships(*, organisation_id: int, on: date) -> Iterator[Tie]:
    """Each deputyship not ended and not over by ``on``, as ("deputyship", manager, deputy)."""
    deputyships = Deputy.objects.filter(
        manager__organisation_id=organisation_id, ended_at__isnull=True, to_date__gte=on
    ).values_list("manager_id", "deputy_id")
    for manager_id, deputy_id in deputyships.iterator(chunk_size=2000):
        yield "deputyship", manager_id, deputy_id


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """Carer's leave and flexible working, each telling a decider that they decide and how
    many requests wait for them (HR too, for the appeals and unmanaged requests they hear).

    Only someone who manages people in post, or stands in for such a manager today, decides
    requests: nobody else is told to "decide your team's requests".
    """
    record = viewer.record
    decides = bool(viewer.report_count) or bool(
        record is not None
        and record.status == StaffStatus.ACTIVE
        and managers_deputised(deputy=record, on=viewer.today)
    )
    leave_waiting = carers_leave_waiting_count(manager=record) if decides and record else 0
    flexible_waiting = _flexible_waiting_count(viewer)
    data = {
        "decides_requests": decides,
        "leave_waiting": leave_waiting,
        "flexible_waiting": flexible_waiting,
    }
    return [
        HomeCard(order=HOME_CARD_ORDER, template="leave/_home_card.html", data=data),
        HomeCard(order=HOME_CARD_ORDER + 1, template="leave/_home_card_flexible.html", data=data),
    ]


def _flexible_waiting_count(viewer: HomeViewer) -> int:
    """How many flexible-working requests wait for the reader: the card and the waiting
    list both show it, so one count serves the page."""
    key = "leave.flexible_waiting_count"
    if key not in viewer.shared:
        viewer.shared[key] = flexible_waiting_queryset(
            viewer=viewer.user, organisation=viewer.organisation, record=viewer.record
        ).count()
    return int(viewer.shared[key])


def waiting_for(*, viewer: HomeViewer) -> list[WaitingItem]:
    """Requests waiting for the reader's decision: carer's leave by its first day (it can only
    be postponed before then) and flexible working by the end of its decision period.

    The reader sees the names the list pages already show them: the line manager in post or a
    deputy standing in today, the manager's manager for an appeal, HR for appeals and for
    people nobody manages.
    """
    slug = viewer.organisation.slug
    items: list[WaitingItem] = []
    record = viewer.record
    if record is not None:
        items += _decisions_to_read(record=record, slug=slug)
        leave, total = carers_leave_to_decide(manager=record, limit=WAITING_LISTED)
        items += [
            WaitingItem(
                title=_("Agree or postpone %(name)s's carer's leave") % {"name": row.name},
                url=reverse("leave:carers_leave_detail", args=[slug, row.pk]),
                due=row.first_day,
                due_label=_("Starts"),
            )
            for row in leave
        ]
        if total > len(leave):
            items.append(_more(total - len(leave), reverse("leave:team", args=[slug])))
        audit_ids_read(
            viewer=viewer.user,
            organisation_id=viewer.organisation.pk,
            object_type=CarersLeaveRequest._meta.label_lower,
            ids=[row.pk for row in leave],
            where=viewer.listed_in,
            channel=viewer.channel,
        )
    waiting = flexible_waiting_queryset(
        viewer=viewer.user, organisation=viewer.organisation, record=record
    )
    flexible = list(waiting[: WAITING_LISTED + 1])
    for request in flexible[:WAITING_LISTED]:
        appeal = request.status == FlexibleStatus.APPEALED
        title = (
            _("Hear %(name)s's appeal about flexible working")
            if appeal
            else _("Decide %(name)s's flexible working request")
        )
        items.append(
            WaitingItem(
                title=title % {"name": request.staff.full_name},
                url=reverse("flexible:detail", args=[slug, request.pk]),
                due=request.deadline,
                due_label=_("Decide by"),
            )
        )
    if len(flexible) > WAITING_LISTED:
        more = _flexible_waiting_count(viewer) - WAITING_LISTED
        items.append(_more(more, reverse("flexible:home", args=[slug])))
    audit_list_read(
        viewer=viewer.user,
        organisation_id=viewer.organisation.pk,
        items=flexible[:WAITING_LISTED],
        where=viewer.listed_in,
        channel=viewer.channel,
    )
    return items


def _decisions_to_read(*, record: StaffRecord, slug: str) -> list[WaitingItem]:
    """The reader's own requests with a decision they have not opened: they go once opened."""
    items = []
    for decision in decisions_to_read(staff=record, limit=WAITING_LISTED):
        if decision.kind == "carers_leave":
            items.append(
                WaitingItem(
                    title=_("Read the decision on your carer's leave"),
                    url=reverse("leave:carers_leave_detail", args=[slug, decision.pk]),
                    due=decision.first_day,
                    due_label=_("Starts"),
                )
            )
        else:
            items.append(
                WaitingItem(
                    title=_("Read the decision on your flexible working request"),
                    url=reverse("flexible:detail", args=[slug, decision.pk]),
                )
            )
    return items


def _more(count: int, url: str) -> WaitingItem:
    title = ngettext(
        "%(count)s more request waiting for your decision",
        "%(count)s more requests waiting for your decision",
        count,
    ) % {"count": count}
    return WaitingItem(title=title, url=url, count=count)
