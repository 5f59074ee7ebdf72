"""Reads that decide what a viewer may see of tenants."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Lower

from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    Role,
    StaffRecord,
    StaffStatus,
    Unit,
)

_CACHE_ATTR = "_carershub_memberships"
_LED_ATTR = "_carershub_led"


def _memberships(user: Any) -> dict[int, tuple[Organisation, frozenset[Role]]]:
    """Every organisation the user belongs to, with their roles there: one query per user
    object, shared by the tenant lookup, the permission checks and the header's switcher."""
    cache: dict[int, tuple[Organisation, frozenset[Role]]] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        for membership in Membership.objects.filter(user=user).select_related(
            "organisation__partnership"
        ):
            organisation, held = cache.get(
                membership.organisation_id, (membership.organisation, frozenset())
            )
            cache[membership.organisation_id] = (organisation, held | {Role(membership.role)})
        setattr(user, _CACHE_ATTR, cache)
    return cache


def roles_in(*, user: Any, organisation: Organisation) -> frozenset[Role]:
    """The roles ``user`` holds in ``organisation``, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return _memberships(user).get(organisation.pk, (organisation, frozenset()))[1]


def member_organisation(*, user: Any, slug: str) -> Organisation | None:
    """The organisation with this short name if the user belongs to it, else None: for a
    non-member, one that does not exist and one they may not see look the same."""
    if not getattr(user, "is_authenticated", False):
        return None
    for organisation, _roles in _memberships(user).values():
        if organisation.slug == slug:
            return organisation
    return None


def led_partnerships(*, user: Any) -> list[Partnership]:
    """Partnerships the user leads, by name, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Partnership] | None = getattr(user, _LED_ATTR, None)
    if cached is None:
        cached = list(Partnership.objects.filter(leads__user=user).order_by("name"))
        setattr(user, _LED_ATTR, cached)
    return cached


def lead_partnership_ids(*, user: Any) -> frozenset[int]:
    """Partnerships the user leads, read once per user object."""
    return frozenset(p.pk for p in led_partnerships(user=user))


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
    for attr in (_CACHE_ATTR, _LED_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def organisations_for(*, user: Any) -> list[Organisation]:
    """Organisations the user belongs to, by name, for the switcher."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (organisation for organisation, _roles in _memberships(user).values()),
        key=lambda organisation: (organisation.name, organisation.pk),
    )


def staff_records_visible_to(
    *,
    organisation: Organisation,
    query: str = "",
    unit_id: int | None = None,
    unit: str = "",
    status: str = "",
) -> QuerySet[StaffRecord]:
    """Staff of one organisation, filtered; callers have already checked the viewer is HR.

    ``unit`` is a unit's code or the start of its name: a large trust has hundreds of units,
    too many for a drop-down that every visit to the list would have to render.
    """
    qs = StaffRecord.objects.filter(organisation=organisation).select_related(
        "unit", "line_manager"
    )
    query = query.replace("\x00", "")
    if query:
        # lower(work_email) is what the email index (staff_email_idx) holds, so an email
        # match needs no index of its own to keep up on every import.
        qs = qs.alias(work_email_lower=Lower("work_email"))
        for term in query.split():
            qs = qs.filter(
                Q(first_name__istartswith=term)
                | Q(last_name__istartswith=term)
                | Q(staff_number__iexact=term)
                | Q(work_email_lower=Lower(Value(term)))
            )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    unit = unit.replace("\x00", "").strip()
    if unit:
        qs = qs.filter(
            unit__in=Unit.objects.filter(organisation=organisation).filter(
                Q(code__iexact=unit) | Q(name__istartswith=unit)
            )
        )
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
