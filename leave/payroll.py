"""The organisation's carer's leave and time off for dependants as rows for HR and payroll
systems: the export page's CSV and XLSX files and the API's changes feed read these rows.

The kind of leave says that someone is a carer (trust rule 3), so it is shown only to a reader
who may see it, by the same rule as the team calendar: HR admins and organisation admins, the
person, their line manager in post and a deputy standing in for that manager today
(``kind_reader``). For anyone else a row is plain "Statutory leave", and whatever would
tell the kinds apart is left out too: the day parts (only carer's leave has them), the status
as each kind words it, and a reference that names the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record, audit_record_many
from leave.deputies import managers_deputised
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DependantsTimeOff,
    RequestStatus,
)
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.rules import is_hr_admin
from organisations.selectors import staff_record_for_user

CARERS_LEAVE = "carers_leave"
DEPENDANTS_TIME_OFF = "dependants_time_off"
#: Which table a row of the changes feed came from, in the order rows with the same
#: ``updated_at`` are listed.
_SOURCES = (CARERS_LEAVE, DEPENDANTS_TIME_OFF)
#: Time off for dependants lasts at most 30 days (``DependantsTimeOff.days``), so a record
#: that started more than this before a range cannot reach into it.
_LONGEST_TIME_OFF = timedelta(days=31)
_CURSOR_SALT = "leave.payroll.cursor"
_REFERENCE_SALT = "leave.payroll.reference"
_HOURS = Decimal("0.01")

#: Statuses a reader who may not see the kind is shown, the same words for both kinds.
_NEUTRAL_STATUS = {
    RequestStatus.REQUESTED: "requested",
    RequestStatus.ACCEPTED: "booked",
    RequestStatus.POSTPONED: "booked",
    RequestStatus.CANCELLED: "cancelled",
}


@dataclass(frozen=True)
class LeaveRow:
    """One booked period: a carer's leave request or a record of time off for dependants."""

    #: Stable and unique across both kinds, so a payroll system can update what it holds.
    reference: str
    staff_id: int
    staff_number: str
    name: str
    unit: str
    first_day: date
    last_day: date
    days: Decimal
    #: Each day and its part (``full``, ``am``, ``pm``); empty for time off for dependants,
    #: which is recorded in days, and for a reader who may not see the kind.
    parts: tuple[tuple[date, str], ...]
    #: ``days`` times the person's contracted hours a day.
    hours: Decimal
    status: str
    status_label: str
    #: ``carers_leave`` or ``dependants_time_off``; ``None`` when the reader may not see it.
    kind: str | None
    kind_label: str
    updated_at: datetime


def kind_reader(*, viewer: User, organisation: Organisation, on: date) -> Callable[[Any], bool]:
    """Whether ``viewer`` may see the kind of a staff record's leave: HR, the person, their
    line manager in post, or a deputy for that manager on ``on`` (the team calendar's rule,
    ``leave.selectors.team_absences``). Works out the viewer once, so asking for every row of
    an export costs no query; the staff record needs its ``line_manager`` loaded."""
    if is_hr_admin(viewer, organisation):
        return lambda staff: True
    own = staff_record_for_user(user=viewer, organisation=organisation)
    if own is None or own.status != StaffStatus.ACTIVE:
        # Someone who has left keeps their own records only (trust rule 10).
        own_id = own.pk if own is not None else None
        return lambda staff: own_id is not None and staff.pk == own_id
    deputised = set(managers_deputised(deputy=own, on=on))

    def may_see(staff: StaffRecord) -> bool:
        manager = staff.line_manager
        return (
            staff.pk == own.pk
            or (manager is not None and manager.pk == own.pk)
            or (manager is not None and manager.pk in deputised)
        )

    return may_see


def _hours(staff: StaffRecord, days: Decimal) -> Decimal:
    if not staff.days_per_week:
        return Decimal("0.00")
    return (days * staff.hours_per_week / staff.days_per_week).quantize(_HOURS)


def _hidden_reference(source: str, pk: int) -> str:
    return (
        "L-" + salted_hmac(_REFERENCE_SALT, f"{source}:{pk}", algorithm="sha256").hexdigest()[:20]
    )


def carers_leave_row(leave: CarersLeaveRequest, *, show_kind: bool) -> LeaveRow:
    """The row of one request; its days must be prefetched (``carers_leave_rows``)."""
    staff = leave.staff
    days = list(leave.days.all())
    amount = sum((day.amount for day in days), Decimal("0"))
    first = min((d.day for d in days), default=leave.notice_given_on)
    last = max((d.day for d in days), default=first)
    status = RequestStatus(leave.status)
    return LeaveRow(
        reference=f"CL-{leave.pk}" if show_kind else _hidden_reference(CARERS_LEAVE, leave.pk),
        staff_id=staff.pk,
        staff_number=staff.staff_number,
        name=staff.full_name,
        unit=staff.unit.name if staff.unit else "",
        first_day=first,
        last_day=last,
        days=amount,
        parts=tuple((d.day, d.part) for d in days) if show_kind else (),
        hours=_hours(staff, amount),
        status=str(status.value) if show_kind else _NEUTRAL_STATUS[status],
        status_label=str(status.label) if show_kind else _neutral_label(_NEUTRAL_STATUS[status]),
        kind=CARERS_LEAVE if show_kind else None,
        kind_label=_("Carer's leave") if show_kind else _("Statutory leave"),
        updated_at=leave.updated_at,
    )


def time_off_last_day(item: DependantsTimeOff) -> date:
    """The last day of time off for dependants, counted as the team calendar counts it."""
    return item.first_day + timedelta(days=max(int(item.days) - 1, 0))


def time_off_row(item: DependantsTimeOff, *, show_kind: bool) -> LeaveRow:
    staff = item.staff
    return LeaveRow(
        reference=(
            f"TD-{item.pk}" if show_kind else _hidden_reference(DEPENDANTS_TIME_OFF, item.pk)
        ),
        staff_id=staff.pk,
        staff_number=staff.staff_number,
        name=staff.full_name,
        unit=staff.unit.name if staff.unit else "",
        first_day=item.first_day,
        last_day=time_off_last_day(item),
        days=item.days,
        parts=(),
        hours=_hours(staff, item.days),
        status="recorded" if show_kind else "booked",
        status_label=_("Recorded") if show_kind else _neutral_label("booked"),
        kind=DEPENDANTS_TIME_OFF if show_kind else None,
        kind_label=_("Time off for dependants") if show_kind else _("Statutory leave"),
        updated_at=item.updated_at,
    )


def _neutral_label(status: str) -> str:
    return {
        "requested": _("Requested"),
        "booked": _("Booked"),
        "cancelled": _("Cancelled"),
    }[status]


def _carers_leave(organisation: Organisation) -> QuerySet[CarersLeaveRequest]:
    return (
        CarersLeaveRequest.objects.filter(organisation_id=organisation.pk)
        .select_related("staff__unit", "staff__line_manager")
        .prefetch_related(Prefetch("days", queryset=CarersLeaveDay.objects.order_by("day", "part")))
    )


def _time_off(organisation: Organisation) -> QuerySet[DependantsTimeOff]:
    return DependantsTimeOff.objects.filter(organisation_id=organisation.pk).select_related(
        "staff__unit", "staff__line_manager"
    )


#: Rows written out after each audit statement: every row is recorded before it is sent.
AUDIT_BATCH = 2000
_LEAVE = CarersLeaveRequest._meta.label_lower
_TIME_OFF = DependantsTimeOff._meta.label_lower


def rows_between(
    *,
    viewer: User,
    organisation: Organisation,
    start: date,
    end: date,
    today: date,
    channel: Channel = Channel.WEB,
) -> Iterator[LeaveRow]:
    """Every period of leave that touches ``start`` to ``end``, read in chunks so that a
    large organisation's export never holds every row at once: carer's leave first, then
    time off for dependants, each by staff number.

    Each row is in the audit log against its request before it is written out (trust rule 5:
    a carer's record shows that HR exported it), ``AUDIT_BATCH`` rows to a statement."""
    batch: list[tuple[str, int, LeaveRow]] = []
    for found in _periods_between(
        viewer=viewer, organisation=organisation, start=start, end=end, today=today
    ):
        batch.append(found)
        if len(batch) >= AUDIT_BATCH:
            yield from _audited(batch, viewer=viewer, organisation=organisation, channel=channel)
            batch = []
    yield from _audited(batch, viewer=viewer, organisation=organisation, channel=channel)


def _audited(
    batch: list[tuple[str, int, LeaveRow]],
    *,
    viewer: User,
    organisation: Organisation,
    channel: Channel,
) -> Iterator[LeaveRow]:
    audit_periods_read(
        viewer=viewer,
        organisation=organisation,
        read=[(label, pk) for label, pk, _row in batch],
        where="the leave export",
        channel=channel,
    )
    for _label, _pk, row in batch:
        yield row


def audit_periods_read(
    *,
    viewer: User,
    organisation: Organisation,
    read: list[tuple[str, int]],
    where: str,
    channel: Channel,
) -> None:
    """One audit entry per request or record of time off read, one statement per kind."""
    for label in (_LEAVE, _TIME_OFF):
        ids = [pk for kind, pk in read if kind == label]
        if ids:
            audit_record_many(
                actor=viewer,
                action=Action.EXPORT,
                channel=channel,
                object_type=label,
                organisation_id=organisation.pk,
                entries=((str(pk), f"Exported {pk} in {where}", {}) for pk in ids),
            )


def _periods_between(
    *, viewer: User, organisation: Organisation, start: date, end: date, today: date
) -> Iterator[tuple[str, int, LeaveRow]]:
    show = kind_reader(viewer=viewer, organisation=organisation, on=today)
    in_range = CarersLeaveDay.objects.filter(
        request_id=OuterRef("pk"), day__gte=start, day__lte=end
    )
    leave = (
        _carers_leave(organisation)
        .filter(Exists(in_range))
        .order_by("staff__staff_number", "created_at", "pk")
    )
    for request in leave.iterator(chunk_size=2000):
        yield _LEAVE, request.pk, carers_leave_row(request, show_kind=show(request.staff))
    time_off = (
        _time_off(organisation)
        .filter(first_day__lte=end, first_day__gte=start - _LONGEST_TIME_OFF)
        .order_by("staff__staff_number", "first_day", "pk")
    )
    for item in time_off.iterator(chunk_size=2000):
        if time_off_last_day(item) >= start:
            yield _TIME_OFF, item.pk, time_off_row(item, show_kind=show(item.staff))


@dataclass(frozen=True)
class Cursor:
    """Where a page of the changes feed ended: the last row's time, table and id."""

    updated_at: datetime
    source: int
    pk: int

    def encode(self) -> str:
        return signing.dumps(
            [self.updated_at.isoformat(), self.source, self.pk], salt=_CURSOR_SALT, compress=True
        )

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """Raises ``ValueError`` for a cursor this service did not make."""
        try:
            at, source, pk = signing.loads(value, salt=_CURSOR_SALT)
            return cls(datetime.fromisoformat(at), int(source), int(pk))
        except (signing.BadSignature, TypeError, ValueError) as error:
            raise ValueError("not a cursor this service gave") from error


def _after(cursor: Cursor | None, source: int) -> Q:
    """Rows of table ``source`` that come after ``cursor`` in (updated_at, source, id) order."""
    if cursor is None:
        return Q()
    if source > cursor.source:
        return Q(updated_at__gte=cursor.updated_at)
    if source == cursor.source:
        return Q(updated_at__gt=cursor.updated_at) | Q(
            updated_at=cursor.updated_at, pk__gt=cursor.pk
        )
    return Q(updated_at__gt=cursor.updated_at)


@dataclass(frozen=True)
class ChangesPage:
    rows: list[LeaveRow]
    #: Where the next page starts; ``None`` when this page reached the end.
    next_cursor: str | None
    #: What the page holds, by model and id, for its audit entries.
    read: list[tuple[str, int]]


def changes_since(
    *,
    viewer: User,
    organisation: Organisation,
    since: datetime | None,
    cursor: Cursor | None,
    limit: int,
    today: date,
) -> ChangesPage:
    """One page of the organisation's leave that changed at or after ``since``, in order of
    (updated_at, table, id), so that paging is stable while rows keep changing: a row changed
    meanwhile moves to the end and is listed again there. A constant number of queries."""
    keys = []
    for index, queryset in enumerate(
        (
            CarersLeaveRequest.objects.filter(organisation_id=organisation.pk),
            DependantsTimeOff.objects.filter(organisation_id=organisation.pk),
        )
    ):
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        keys.append(
            queryset.filter(_after(cursor, index))
            .order_by()  # the models' own ordering is not allowed inside a UNION
            .annotate(source=Value(index))
            .values_list("updated_at", "source", "id")
        )
    found: list[tuple[datetime, int, int]] = list(
        keys[0].union(keys[1], all=True).order_by("updated_at", "source", "id")[: limit + 1]
    )
    more = len(found) > limit
    found = found[:limit]
    leave_ids = [pk for _at, source, pk in found if source == 0]
    time_off_ids = [pk for _at, source, pk in found if source == 1]
    leave = _carers_leave(organisation).in_bulk(leave_ids) if leave_ids else {}
    time_off = _time_off(organisation).in_bulk(time_off_ids) if time_off_ids else {}
    show = kind_reader(viewer=viewer, organisation=organisation, on=today)
    rows = []
    for _at, source, pk in found:
        if source == 0:
            request = leave[pk]
            rows.append(carers_leave_row(request, show_kind=show(request.staff)))
        else:
            item = time_off[pk]
            rows.append(time_off_row(item, show_kind=show(item.staff)))
    last = found[-1] if found else None
    next_cursor = Cursor(last[0], last[1], last[2]).encode() if more and last else None
    read = [(_LEAVE if source == 0 else _TIME_OFF, pk) for _at, source, pk in found]
    return ChangesPage(rows=rows, next_cursor=next_cursor, read=read)


def audit_export(
    *,
    viewer: User,
    organisation: Organisation,
    start: date,
    end: date,
    file_format: str,
    channel: Channel,
) -> None:
    """Every download of the leave export is in the organisation's audit log (trust rule 5),
    recorded before the first row is sent."""
    audit_record(
        actor=viewer,
        action=Action.EXPORT,
        channel=channel,
        target=organisation,
        organisation_id=organisation.pk,
        summary=f"Downloaded the leave export for {start} to {end} as {file_format.upper()}",
    )


def audit_changes_read(
    *, viewer: User, organisation: Organisation, since: datetime | None, page: ChangesPage
) -> None:
    """Each page of the changes feed read through the API, in the organisation's audit log,
    and each period on it against its own request (trust rule 5)."""
    rows = len(page.rows)
    audit_periods_read(
        viewer=viewer,
        organisation=organisation,
        read=page.read,
        where="the API's leave feed",
        channel=Channel.API,
    )
    audit_record(
        actor=viewer,
        action=Action.EXPORT,
        channel=Channel.API,
        target=organisation,
        organisation_id=organisation.pk,
        summary=(
            f"Read {rows} periods of leave through the API"
            + (f" changed since {since.isoformat()}" if since else "")
        ),
    )
