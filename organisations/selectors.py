"""Reads that decide what a viewer may see of tenants."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffRecord,
    StaffStatus,
)

_CACHE_ATTR = "_carershub_roles"


def roles_in(*, user: Any, organisation: Organisation) -> frozenset[Role]:
    """The roles ``user`` holds in ``organisation``, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[Role]] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user).values_list(
            "organisation_id", "role"
        ):
            cache[org_id] = cache.get(org_id, frozenset()) | {Role(role)}
        setattr(user, _CACHE_ATTR, cache)
    return cache.get(organisation.pk, frozenset())


def lead_partnership_ids(*, user: Any) -> frozenset[int]:
    """Partnerships the user leads, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_carershub_led", None)
    if cached is None:
        cached = frozenset(
            PartnershipLead.objects.filter(user=user).values_list("partnership_id", flat=True)
        )
        user._carershub_led = cached
    return cached


def partnership_overview(*, partnership: Partnership) -> list[dict[str, Any]]:
    """Member organisations with headcounts only: a lead never sees people (trust rule 6)."""
    rows = (
        Organisation.objects.filter(partnership=partnership)
        .annotate(
            staff=Count("staff_records", filter=Q(staff_records__status=StaffStatus.ACTIVE)),
        )
        .order_by("name")
        .values("pk", "name", "nation", "sector", "size_band", "staff")
    )
    return [dict(row) for row in rows]


def roles_grantable_by(*, user: Any, organisation: Organisation) -> list[Role]:
    """HR admins bring people into everyday roles; only organisation admins hand out admin roles."""
    held = roles_in(user=user, organisation=organisation)
    if Role.ORG_ADMIN in held:
        return list(Role)
    if Role.HR_ADMIN in held:
        return [Role.EMPLOYEE, Role.CHAMPION, Role.SPONSOR, Role.HR_ADMIN]
    return []


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships change within a request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def organisations_for(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user belongs to, for the switcher."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def staff_records_visible_to(
    *, organisation: Organisation, query: str = "", unit_id: int | None = None, status: str = ""
) -> QuerySet[StaffRecord]:
    """Staff of one organisation, filtered; callers have already checked the viewer is HR."""
    qs = StaffRecord.objects.filter(organisation=organisation).select_related(
        "unit", "line_manager"
    )
    query = query.replace("\x00", "")
    if query:
        terms = query.split()
        for term in terms:
            qs = qs.filter(
                Q(first_name__istartswith=term)
                | Q(last_name__istartswith=term)
                | Q(staff_number__iexact=term)
                | Q(work_email__iexact=term)
            )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status in StaffStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("last_name", "first_name", "staff_number")


def staff_record_for_user(*, user: Any, organisation: Organisation) -> StaffRecord | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        StaffRecord.objects.filter(organisation=organisation, user=user)
        .select_related("unit", "line_manager")
        .first()
    )


def direct_reports(*, manager: StaffRecord) -> QuerySet[StaffRecord]:
    """People someone line manages; a manager who has left manages nobody."""
    if manager.status != StaffStatus.ACTIVE:
        return StaffRecord.objects.none()
    return StaffRecord.objects.filter(
        line_manager=manager, status=StaffStatus.ACTIVE
    ).select_related("unit")
