"""The modules an organisation's learners see: every shipped module (``learning.content``) and
the organisation's own published modules (``learning.own_modules``), as the same ``Module``.

The rest of learning asks here, never the files alone, so an own module is listed, taken,
scored, badged and counted like a shipped one. Own modules cost one query, and only when the
slug is an own module's or the whole list is wanted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import F, Q, QuerySet

from learning.content import RESERVED_PREFIX, Module, build_module, module, modules
from learning.models import OwnModuleVersion

#: Every own module's slug starts so; ``learning.content`` refuses a shipped module that does,
#: so progress, attempts and badges name one module whatever a later release ships.
OWN_PREFIX = RESERVED_PREFIX


def _built(rows: Iterable[OwnModuleVersion], organisation_id: int) -> list[Module]:
    return [
        build_module(
            row.module.slug,
            row.content["module"],
            row.content["quiz"],
            row.content["lessons"],
            organisation_id=organisation_id,
        )
        for row in rows
    ]


def _published(organisation_id: int) -> QuerySet[OwnModuleVersion]:
    return OwnModuleVersion.objects.filter(
        module__organisation_id=organisation_id, version=F("module__published_version")
    ).select_related("module")


def catalogue(*, organisation_id: int) -> dict[str, Module]:
    """Every module the organisation's learners may take: the shipped ones in folder order,
    then its own published ones that have not been taken away, oldest first. One query."""
    rows = _published(organisation_id).filter(module__retired_at__isnull=True)
    own = _built(rows.order_by("module__created_at", "module__pk"), organisation_id)
    return {**modules(), **{found.slug: found for found in own}}


def find_module(
    *, organisation_id: int | None, slug: str, include_retired: bool = False
) -> Module | None:
    """One module by slug as the organisation's learners see it now; an own module taken away
    from learners only with ``include_retired`` (its badges are still checked and shown)."""
    if not slug.startswith(OWN_PREFIX):
        return module(slug)
    if organisation_id is None:
        return None
    rows = _published(organisation_id).filter(module__slug=slug)
    if not include_retired:
        rows = rows.filter(module__retired_at__isnull=True)
    found = _built(rows[:1], organisation_id)
    return found[0] if found else None


def module_at(found: Module, *, version: int) -> Module:
    """The module as it was at ``version``, for a result or badge of that version: an own
    module keeps every version it published; a shipped one is read as it is now."""
    if found.organisation_id is None or version == found.version:
        return found
    row = (
        OwnModuleVersion.objects.filter(
            module__organisation_id=found.organisation_id,
            module__slug=found.slug,
            version=version,
        )
        .select_related("module")
        .first()
    )
    if row is None:
        return found
    built = _built([row], found.organisation_id or 0)[0]
    # The withdrawals are the current version's: a later version may withdraw this one.
    return replace(built, withdrawn=found.withdrawn)


def modules_named(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Module | None]:
    """The modules of many badges at once, by (organisation id, slug), including own modules
    taken away from learners: one query however many badges (none without own modules)."""
    wanted = set(pairs)
    out: dict[tuple[int, str], Module | None] = {
        (org, slug): module(slug) for org, slug in wanted if not slug.startswith(OWN_PREFIX)
    }
    own = {(org, slug) for org, slug in wanted if slug.startswith(OWN_PREFIX)}
    if own:
        out.update(dict.fromkeys(own))
        query = Q()
        for org, slug in own:
            query |= Q(module__organisation_id=org, module__slug=slug)
        rows = OwnModuleVersion.objects.filter(
            query, version=F("module__published_version")
        ).select_related("module")
        for row in rows:
            org = row.module.organisation_id
            out[(org, row.module.slug)] = _built([row], org)[0]
    return out


def own_module_by_organisation_slug(*, organisation_slug: str, slug: str) -> Module | None:
    """An organisation's own module, also one taken away, by the organisation's address, for
    its badge's picture (public: it shows only the title every badge of it carries)."""
    if not slug.startswith(OWN_PREFIX):
        return None
    rows = OwnModuleVersion.objects.filter(
        module__organisation__slug=organisation_slug,
        module__slug=slug,
        version=F("module__published_version"),
    ).select_related("module")
    row = rows.first()
    return _built([row], row.module.organisation_id)[0] if row is not None else None
