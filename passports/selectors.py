"""Reads that decide who sees which passport. Each takes the viewer (STYLE.md habit 3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_name
from audit.models import Action, AuditEvent
from organisations.models import Organisation, StaffRecord, StaffStatus
from passports.models import (
    OPEN_SHARES,
    AgreedVersion,
    CarerDeclaration,
    Passport,
    PassportShare,
    ShareEndReason,
)


def carer_status_recorded(*, staff: StaffRecord) -> bool:
    """The one fact HR may see by name, and only with the carer's consent."""
    return CarerDeclaration.objects.filter(staff=staff, record_on_staff_record=True).exists()


def declaration_of(*, staff: StaffRecord) -> CarerDeclaration | None:
    return CarerDeclaration.objects.filter(staff=staff).first()


def _passports() -> QuerySet[Passport]:
    return Passport.objects.select_related(
        "staff", "staff__user", "staff__line_manager", "staff__organisation", "updated_by"
    ).prefetch_related(
        "adjustments",
        Prefetch(
            "shares",
            queryset=PassportShare.objects.filter(ended_at__isnull=True).select_related(
                "with_staff"
            ),
            to_attr=OPEN_SHARES,
        ),
    )


def passport_of(*, staff: StaffRecord) -> Passport | None:
    passport = _passports().filter(staff=staff).first()
    return passport


@dataclass(frozen=True)
class PassportAccess:
    """What the viewer may do; the template and the views read this, never the roles."""

    is_owner: bool
    is_manager: bool
    #: May change, share and sign it: the carer or the manager, while in post.
    can_change: bool = False


def access_passport(
    *, viewer: Any, organisation: Organisation, pk: int
) -> tuple[Passport, PassportAccess]:
    """The passport if the viewer may see it; otherwise 404 for everyone alike.

    A 404 (not 403) even inside the organisation: whether a colleague has a passport
    is itself private (trust rule 3).
    """
    passport = _passports().filter(pk=pk, staff__organisation=organisation).first()
    if passport is None:
        raise Http404
    if not viewer.has_perm("passports.view_passport", passport):
        raise Http404
    return passport, PassportAccess(
        is_owner=viewer.has_perm("passports.own_passport", passport),
        is_manager=viewer.has_perm("passports.manage_passport", passport),
        can_change=viewer.has_perm("passports.work_on_passport", passport),
    )


def shared_with_manager(*, manager: StaffRecord) -> list[Passport]:
    """Passports the manager may read now: shared with them, and they still manage the carer.

    Three queries whatever the team size (asserted in the tests).
    """
    if manager.status != StaffStatus.ACTIVE:
        return []
    passports = (
        _passports()
        .filter(
            shares__with_staff=manager,
            shares__ended_at__isnull=True,
            staff__line_manager=manager,
            staff__status=StaffStatus.ACTIVE,
        )
        .order_by("staff__last_name", "staff__first_name", "pk")
    )
    return list(passports)


def agreed_versions(*, passport: Passport) -> QuerySet[AgreedVersion]:
    return AgreedVersion.objects.filter(passport=passport).order_by("-number")


def agreed_version(*, passport: Passport, number: int) -> AgreedVersion:
    version = AgreedVersion.objects.filter(passport=passport, number=number).first()
    if version is None:
        raise Http404
    return version


def latest_agreed(*, passport: Passport) -> AgreedVersion | None:
    return agreed_versions(passport=passport).first()


def _seen_by_events(passport: Passport) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type="passports.passport", object_id=str(passport.pk))
        .exclude(actor_id=passport.staff.user_id)
        .filter(action__in=[Action.VIEW, Action.EXPORT, Action.UPDATE, Action.CREATE])
    )


def passport_seen_by(*, passport: Passport) -> QuerySet[AuditEvent]:
    """Everyone else who read, changed or exported the passport, newest first (trust rule 5).

    Every event on its own: the carer's download of their data lists each one.
    """
    return _seen_by_events(passport).select_related("actor").order_by("-at", "-id")


def passport_seen_by_days(*, passport: Passport) -> QuerySet[Any, Any]:
    """The same events, one row per person, day and thing done, with how many times.

    A manager who opens the passport ten times in a morning is one line saying so, not ten
    lines that push everything else off the page. Grouped in SQL, by the day in the
    service's time zone, so a page of 50 rows costs one query however long the history.
    Rows are dicts; ``seen_by_lines`` turns them into named lines.
    """
    day = TruncDate("at", tzinfo=timezone.get_current_timezone())
    return (
        _seen_by_events(passport)
        .annotate(day=day)
        .values("actor_id", "day", "action", "summary")
        .annotate(
            times=Count("id"),
            last_at=Max("at"),
            last_id=Max("id"),
            label=Max("actor_label"),
            # The account as it is now (one join, no query per person); None once deleted.
            first_name=Max("actor__first_name"),
            last_name=Max("actor__last_name"),
            email=Max("actor__email"),
        )
        .order_by("-last_at", "-last_id")
    )


@dataclass(frozen=True)
class SeenByLine:
    who: str
    last_at: datetime
    summary: str
    times: int


def seen_by_lines(rows: Sequence[dict[str, Any]]) -> list[SeenByLine]:
    """Name the people on one page of ``passport_seen_by_days``, without another query.

    The name is the account's (``display_name``), so a person is named as their colleagues
    know them; an account since deleted keeps the label the audit copied when it was written.
    """

    def who(row: dict[str, Any]) -> str:
        account = None
        if row["actor_id"] is not None and row["email"] is not None:
            account = User(
                first_name=row["first_name"], last_name=row["last_name"], email=row["email"]
            )
        return actor_name(actor=account, label=str(row["label"] or ""))

    return [
        SeenByLine(who=who(row), last_at=row["last_at"], summary=row["summary"], times=row["times"])
        for row in rows
    ]


def manager_changed_since_sharing(*, passport: Passport, line_manager: StaffRecord | None) -> bool:
    """True when the carer had shared with a manager who no longer manages them.

    The page then says so and offers to share with the new manager (trust rule 2).
    """
    share = passport.open_share
    if share is not None:
        return line_manager is None or share.with_staff_id != line_manager.pk
    last = PassportShare.objects.filter(passport=passport).order_by("-shared_at", "-pk").first()
    return last is not None and last.ended_reason in {
        ShareEndReason.MANAGER_CHANGED,
        ShareEndReason.LEFT_BY_IMPORT,
    }


def current_line_manager(*, staff: StaffRecord) -> StaffRecord | None:
    """The line manager a passport could be shared with: someone in post with an account."""
    manager = staff.line_manager
    if manager is None or manager.status != StaffStatus.ACTIVE or manager.user_id is None:
        return None
    return manager


@dataclass(frozen=True)
class PassportsWaiting:
    """How many passports wait for someone, and the soonest review among them: counts only,
    because the home page that shows them writes no passport read (docs/trust-rules.md)."""

    to_sign: int
    reviews_due: int
    first_review: date | None


_SIGNED_BY_CARER_ONLY = Q(carer_signed_version=F("version")) & (
    Q(manager_signed_version__isnull=True) | Q(manager_signed_version__lt=F("version"))
)
_SIGNED_BY_MANAGER_ONLY = Q(manager_signed_version=F("version")) & (
    Q(carer_signed_version__isnull=True) | Q(carer_signed_version__lt=F("version"))
)


def _waiting(passports: QuerySet[Passport], *, to_sign: Q, review_by: date) -> PassportsWaiting:
    review = Q(next_review_on__lte=review_by)
    totals = passports.aggregate(
        to_sign=Count("pk", filter=to_sign),
        reviews_due=Count("pk", filter=review),
        first_review=Min("next_review_on", filter=review),
    )
    return PassportsWaiting(
        to_sign=totals["to_sign"],
        reviews_due=totals["reviews_due"],
        first_review=totals["first_review"],
    )


def waiting_for_manager(*, manager: StaffRecord, review_by: date) -> PassportsWaiting:
    """Passports shared with a manager who still manages the carer: those the carer has signed
    and the manager has not, and reviews due by ``review_by``. One query."""
    if manager.status != StaffStatus.ACTIVE:
        return PassportsWaiting(to_sign=0, reviews_due=0, first_review=None)
    shared = Passport.objects.filter(
        shares__with_staff=manager,
        shares__ended_at__isnull=True,
        staff__line_manager=manager,
        staff__status=StaffStatus.ACTIVE,
    )
    return _waiting(shared, to_sign=_SIGNED_BY_CARER_ONLY, review_by=review_by)


def waiting_for_carer(*, staff: StaffRecord, review_by: date) -> PassportsWaiting:
    """The carer's own passport, if the manager has signed it and they have not, or its review
    is due by ``review_by``. One query."""
    own = Passport.objects.filter(staff=staff)
    return _waiting(own, to_sign=_SIGNED_BY_MANAGER_ONLY, review_by=review_by)
