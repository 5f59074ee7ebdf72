"""Reads that decide what a viewer may see of tenants."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from organisations.hooks import HomeViewer
from organisations.models import (
    MFA_ROLES,
    Invitation,
    InvitationBatch,
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffImport,
    StaffRecord,
    StaffStatus,
    Unit,
)

_CACHE_ATTR = "_carershub_memberships"
_LED_ATTR = "_carershub_led"
#: Set on a user object whose access changed within this request (``forget_roles``): its
#: ``access_version`` is from before the change, so the kept copy is not used for it.
_FRESH_ATTR = "_carershub_access_read_fresh"

#: The cache a person's access is kept in: each process's own memory (settings.CACHES).
#: Entries are keyed by a version the database moves, so a copy in every process is as
#: correct as a shared one, costs no round trip, needs nothing cleared when Redis comes
#: back, and crowds nothing out of the shared cache.
ACCESS_CACHE = "access"
_ORGANISATION_FIELDS = tuple(f.attname for f in Organisation._meta.concrete_fields)
_PARTNERSHIP_FIELDS = tuple(f.attname for f in Partnership._meta.concrete_fields)
#: Part of every key: a release that changes the columns or the roles reads none of the
#: entries the one before it kept.
_SHAPE = hashlib.sha256(
    repr((_ORGANISATION_FIELDS, _PARTNERSHIP_FIELDS, sorted(Role.values))).encode()
).hexdigest()[:12]

type _Memberships = dict[int, tuple[Organisation, frozenset[Role]]]
type _Row = tuple[object, ...]


def _access_key(user: Any, part: str) -> str | None:
    version = getattr(user, "access_version", None)
    if version is None or getattr(user, _FRESH_ATTR, False):
        return None
    return f"access:{_SHAPE}:{part}:{user.pk}:{version}"


def _values(instance: Organisation | Partnership, fields: tuple[str, ...]) -> _Row:
    return tuple(getattr(instance, name) for name in fields)


def _partnership(row: _Row) -> Partnership:
    return Partnership.from_db(DEFAULT_DB_ALIAS, _PARTNERSHIP_FIELDS, row)


def _through_cache[T](
    user: Any,
    part: str,
    read: Callable[[], T],
    pack: Callable[[T], object],
    unpack: Callable[[Any], T],
) -> T:
    """What ``read`` returns for the person, from this process's cache when it holds it for
    their current ``access_version``, else from the database, keeping it for next time.

    The version comes from the user row the request has already read, and the database
    moves it in the same transaction as any change to what is kept
    (organisations/access_version.py) and never moves it back, so a role revoked, a
    membership ended, a staff record marked as left or an organisation deleted reaches the
    very next request: its key is new. Plain values are kept, never pickled model
    instances; an entry that does not unpack is read afresh. What is kept is which
    organisations a person belongs to, their roles there and the partnerships they lead:
    nothing about caring, and only in the process's own memory."""
    key = _access_key(user, part)
    if key is not None:
        kept = caches[ACCESS_CACHE].get(key)
        if kept is not None:
            try:
                return unpack(kept)
            except (TypeError, ValueError, AttributeError):
                pass
    found = read()
    if key is not None:
        value = pack(found)
        # Kept only once what was read is committed: read inside a transaction that is then
        # rolled back, it could hold power that never existed under a version number the
        # database will hand out again.
        transaction.on_commit(lambda: caches[ACCESS_CACHE].set(key, value))
    return found


def _read_memberships(user: Any) -> _Memberships:
    found: _Memberships = {}
    left = StaffRecord.objects.filter(
        organisation_id=OuterRef("organisation_id"), user_id=user.pk, status=StaffStatus.LEFT
    )
    for membership in (
        Membership.objects.filter(user=user)
        .annotate(has_left=Exists(left))
        .select_related("organisation__partnership")
    ):
        organisation, held = found.get(
            membership.organisation_id, (membership.organisation, frozenset())
        )
        if not getattr(membership, "has_left"):  # noqa: B009 (an annotation)
            held = held | {Role(membership.role)}
        found[membership.organisation_id] = (organisation, held)
    return found


def _pack_memberships(found: _Memberships) -> object:
    return {
        organisation_id: (
            _values(organisation, _ORGANISATION_FIELDS),
            None
            if organisation.partnership is None
            else _values(organisation.partnership, _PARTNERSHIP_FIELDS),
            tuple(sorted(role.value for role in roles)),
        )
        for organisation_id, (organisation, roles) in found.items()
    }


def _unpack_memberships(kept: Any) -> _Memberships:
    found: _Memberships = {}
    for organisation_id, (row, partnership, roles) in kept.items():
        organisation = Organisation.from_db(DEFAULT_DB_ALIAS, _ORGANISATION_FIELDS, row)
        organisation.partnership = None if partnership is None else _partnership(partnership)
        found[organisation_id] = (organisation, frozenset(Role(r) for r in roles))
    return found


def _memberships(user: Any) -> _Memberships:
    """Every organisation the user belongs to, with the roles that still carry power there:
    read once per user object (and kept across requests, ``_through_cache``), shared by the
    tenant lookup, the permission checks and the header's switcher.

    Someone marked as left in an organisation keeps it here with no roles: they can still
    reach their own records there (trust rule 7) but hold no power (trust rule 10).
    """
    found: _Memberships | None = getattr(user, _CACHE_ATTR, None)
    if found is None:
        found = _through_cache(
            user, "m", lambda: _read_memberships(user), _pack_memberships, _unpack_memberships
        )
        setattr(user, _CACHE_ATTR, found)
    return found


def roles_in(*, user: Any, organisation: Organisation) -> frozenset[Role]:
    """The roles ``user`` holds in ``organisation``, read once per user object; none for
    someone who has left it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return _memberships(user).get(organisation.pk, (organisation, frozenset()))[1]


def has_left(*, user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` belongs to ``organisation`` only as someone who has left it."""
    if not getattr(user, "is_authenticated", False):
        return False
    found = _memberships(user).get(organisation.pk)
    return found is not None and not found[1]


def member_organisation(*, user: Any, slug: str) -> Organisation | None:
    """The organisation with this short name if the user belongs to it (or has left it), else
    None: for a non-member, one that does not exist and one they may not see look the same."""
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
        cached = _through_cache(
            user,
            "l",
            lambda: list(Partnership.objects.filter(leads__user=user).order_by("name")),
            lambda led: [_values(partnership, _PARTNERSHIP_FIELDS) for partnership in led],
            lambda kept: [_partnership(row) for row in kept],
        )
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
    """Drop the cached roles after memberships change within a request. The user object's
    ``access_version`` is now behind the database's, so for the rest of this request its
    access is read from the database, not the kept copy."""
    for attr in (_CACHE_ATTR, _LED_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)
    setattr(user, _FRESH_ATTR, True)


def organisations_current_for(*, user: Any) -> list[Organisation]:
    """Organisations the user belongs to and has not left, by name: those whose choices (a
    default language, say) still apply to them. From the same one query as the switcher."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (organisation for organisation, roles in _memberships(user).values() if roles),
        key=lambda organisation: (organisation.name, organisation.pk),
    )


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
    return reports_of(manager_ids=[manager.pk])


def reports_of(*, manager_ids: list[int]) -> QuerySet[StaffRecord]:
    """People in post whose line manager is one of ``manager_ids``: the teams someone stands
    in for as a deputy, as well as their own. Callers have checked the reader is in post."""
    if not manager_ids:
        return StaffRecord.objects.none()
    return StaffRecord.objects.filter(
        line_manager_id__in=manager_ids, status=StaffStatus.ACTIVE
    ).select_related("unit")


def units_of(*, organisation: Organisation) -> QuerySet[Unit]:
    """An organisation's units by code, the order HR looks codes up in on the units page."""
    return Unit.objects.filter(organisation=organisation).select_related("parent").order_by("code")


def units_matching_code(*, organisation: Organisation, code: str) -> list[Unit]:
    """The organisation's units a typed code may mean: the one with exactly this code, else
    those with it in another case (at most two are read: two already mean "ambiguous").

    HR types a code rather than picking from a list of every unit, which a large trust could not
    render. Codes are unique as stored, so ``ward1`` and ``WARD1`` may both exist.
    """
    code = code.replace("\x00", "").strip()
    if not code:
        return []
    units = Unit.objects.filter(organisation=organisation)
    exact = units.filter(code=code).first()
    if exact is not None:
        return [exact]
    # Sorted here, not by the database, whose collation may put ``abc`` before or after ``ABC``.
    return sorted(units.filter(code__iexact=code).order_by("pk")[:2], key=lambda unit: unit.code)


def unit_for_code(*, organisation: Organisation, code: str) -> Unit | None:
    """The organisation's unit with this code, typed in any case, or None: an exact match
    wins, and otherwise a case-insensitive match counts only when it is the only one."""
    matches = units_matching_code(organisation=organisation, code=code)
    return matches[0] if len(matches) == 1 else None


def memberships_matching(*, organisation: Organisation, query: str = "") -> QuerySet[Membership]:
    """Everyone with a role in one organisation, by email then role; callers have checked the
    viewer may manage roles.

    ``query`` matches the start of an email address, or the start of a first or last name for
    every word typed, in any case.
    """
    qs = Membership.objects.filter(organisation=organisation).select_related("user")
    query = query.replace("\x00", "").strip()
    if query:
        by_name = Q()
        for term in query.split():
            by_name &= Q(user__first_name__istartswith=term) | Q(user__last_name__istartswith=term)
        qs = qs.filter(Q(user__email__istartswith=query) | by_name)
    return qs.order_by("user__email", "role")


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations not yet accepted, newest first, so HR can find any of them and withdraw it."""
    return Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def recent_invitation_batches(
    *, organisation: Organisation, count: int = 5
) -> list[InvitationBatch]:
    """The organisation's latest bulk invitations, newest first, for the invitations page."""
    return list(InvitationBatch.objects.filter(organisation=organisation)[:count])


def holds_mfa_role(*, user: Any) -> bool:
    """Whether the user is an HR or organisation admin anywhere, or a partnership lead: roles
    that must sign in with a second factor (accounts asks through the check registered in
    ``OrganisationsConfig.ready()``)."""
    return (
        Membership.objects.filter(user=user, role__in=MFA_ROLES).exists()
        or PartnershipLead.objects.filter(user=user).exists()
    )


def recent_staff_imports(*, organisation: Organisation, count: int = 5) -> list[StaffImport]:
    """The organisation's latest staff imports, newest first, for the upload page."""
    return list(
        StaffImport.objects.filter(organisation=organisation).select_related("uploaded_by")[:count]
    )


def home_viewer(
    *,
    user: Any,
    organisation: Organisation,
    record: StaffRecord | None,
    today: date,
    **place: Any,
) -> HomeViewer:
    """The reader of a home page, or of the email of what is waiting (``place`` says which,
    for the audit of what they list): what every card and waiting item may need, read once."""
    return HomeViewer(
        user=user,
        organisation=organisation,
        record=record,
        today=today,
        report_count=direct_reports(manager=record).count() if record else 0,
        **place,
    )


def partnerships_for_setup() -> list[Partnership]:
    """Every partnership, by name: a deployment admin sets up organisations in any of them
    (docs/organisation-setup.md)."""
    return list(Partnership.objects.order_by("name"))


def partnership_by_slug(*, slug: str) -> Partnership | None:
    return Partnership.objects.filter(slug=slug).first()
