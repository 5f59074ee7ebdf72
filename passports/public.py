"""What other feature apps may use from passports; nothing else in the app is theirs to import.

Benchmarks' live evidence counts carers and passports. It gets numbers, never rows, and
only of carers in post who agreed to be counted (trust rule 4 and the carer's consent):
small numbers are the caller's to hide. The support directory reads the kinds of need a
carer chose, for that carer's own eyes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from organisations.models import Organisation, StaffStatus
from passports.models import AgreedVersion, CarerDeclaration, NeedKind, Passport


def carers_declared(*, organisation: Organisation) -> int:
    """Staff in post here who said they are carers and agreed to be counted."""
    return CarerDeclaration.objects.filter(
        staff__organisation=organisation,
        staff__status=StaffStatus.ACTIVE,
        include_in_counts=True,
    ).count()


def _agreed_passports(organisation: Organisation) -> QuerySet[Passport]:
    """Passports agreed at least once, of carers in post who agreed to be counted."""
    return Passport.objects.filter(
        staff__organisation=organisation,
        staff__status=StaffStatus.ACTIVE,
        staff__carer_declaration__include_in_counts=True,
    ).filter(Exists(AgreedVersion.objects.filter(passport=OuterRef("pk"))))


def passports_agreed(*, organisation: Organisation) -> int:
    """Passports signed by a carer and their manager at least once (counted carers in post)."""
    return _agreed_passports(organisation).count()


@dataclass(frozen=True)
class PassportReviews:
    """Agreed passports with a review date, by whether that date has passed."""

    on_time: int
    overdue: int


def passport_reviews(*, organisation: Organisation, today: date) -> PassportReviews:
    """Of the agreed passports counted by ``passports_agreed`` that have a review date, how
    many are due today or later and how many are overdue."""
    counts = (
        _agreed_passports(organisation)
        .filter(next_review_on__isnull=False)
        .aggregate(
            on_time=Count("pk", filter=Q(next_review_on__gte=today)),
            overdue=Count("pk", filter=Q(next_review_on__lt=today)),
        )
    )
    return PassportReviews(on_time=counts["on_time"], overdue=counts["overdue"])


def need_kind_choices() -> list[tuple[str, str]]:
    """The kinds of caring need a carer may choose in their declaration, as (value, label):
    what another app may tag its content with, in the same words."""
    return [(value, str(label)) for value, label in NeedKind.choices]


def need_kinds_of(*, user: User, organisation: Organisation) -> list[str]:
    """The kinds of need ``user`` chose in their carer declaration in ``organisation``, while
    they are in post there; ``[]`` when they have not declared or chose none. Read for the
    person themselves only: the caller shows the result to ``user`` and keeps nothing."""
    declaration = CarerDeclaration.objects.filter(
        staff__user=user, staff__organisation=organisation, staff__status=StaffStatus.ACTIVE
    ).first()
    if declaration is None:
        return []
    known = set(NeedKind.values)
    return [kind for kind in declaration.need_kinds if kind in known]


def users_not_counted(*, organisation: Organisation) -> QuerySet[CarerDeclaration, int]:
    """The user ids of people here who said they are carers but chose not to be counted, as a
    subquery for another app's count to leave out (a staff carer network's size says as much
    about carers as a count of carers does)."""
    return CarerDeclaration.objects.filter(
        staff__organisation=organisation, include_in_counts=False, staff__user__isnull=False
    ).values_list("staff__user_id", flat=True)


def counted_carer_staff(*, organisation: Organisation) -> QuerySet[CarerDeclaration, int]:
    """The staff record ids of people in post here who said they are carers and agreed to be
    counted, as a subquery: insight groups them by unit and hours band in the database and
    gets counts back, never the ids (docs/insight.md)."""
    return CarerDeclaration.objects.filter(
        staff__organisation=organisation,
        staff__status=StaffStatus.ACTIVE,
        include_in_counts=True,
    ).values_list("staff_id", flat=True)


def passport_figures(*, organisation: Organisation, today: date) -> dict[str, int]:
    """Agreed passports of counted carers in post, and of those, reviews on time, overdue and
    without a review date: one query, for insight's monthly figures."""
    counts = _agreed_passports(organisation).aggregate(
        agreed=Count("pk"),
        on_time=Count("pk", filter=Q(next_review_on__gte=today)),
        overdue=Count("pk", filter=Q(next_review_on__lt=today)),
    )
    return {
        "agreed": counts["agreed"],
        "review_on_time": counts["on_time"],
        "review_overdue": counts["overdue"],
        "no_review_date": counts["agreed"] - counts["on_time"] - counts["overdue"],
    }
