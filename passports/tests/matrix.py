"""Carers and passports in the permission matrix (carershub/tests/test_permission_matrix.py):
pages and API operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from carershub.tests.matrix_kit import (
    MEMBERS,
    Spec,
    Targets,
    action,
    api,
    org,
    page,
    private_action,
    private_page,
)


def passport(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.passport.pk}


def passport_page(allowed: tuple[str, ...], **kw: Any) -> Spec:
    """A page about the carer's passport (``private_page``)."""
    return private_page(allowed, kw.pop("kwargs", passport), **kw)


def passport_action(
    allowed: tuple[str, ...],
    kwargs: Callable[[Targets], dict[str, Any]] = passport,
    data: dict[str, Any] | None = None,
) -> Spec:
    return private_action(allowed, kwargs, data)


MATRIX: dict[str, Spec] = {
    # Carers and passports: only the carer and the line manager they shared with (rules 1-3).
    "passports:carer_home": page(("carer", "manager"), foreign_outsider=200) | {"leaver": 200},
    "passports:carer_declare": page(("carer", "manager"), foreign_outsider=200),
    "passports:carer_export_json": page(("carer", "manager"), foreign_outsider=200)
    | {"leaver": 200},
    "passports:carer_export_pdf": page(("carer", "manager"), foreign_outsider=200)
    | {"leaver": 200},
    "passports:carer_delete": page(("carer",), foreign_outsider=200)
    | {"manager": 302, "leaver": 302},
    "passports:mine": page((), foreign_outsider=302)
    | {"carer": 302, "manager": 302, "leaver": 302},
    "passports:share": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    "passports:unshare": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    "passports:seen_by": page(("carer",), foreign_outsider=200) | {"manager": 302, "leaver": 302},
    "passports:team": page(MEMBERS),
    # Bringing a passport from another employer needs your own staff record here.
    "passports:import": page(("carer", "manager"), foreign_outsider=200),
    # An empty credential fails verification: the carer is told and sent back to step 1.
    "passports:import_confirm": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    # Only the carer takes a signed copy; the manager is refused before the version is looked up.
    "passports:credential": replace(
        passport_action(
            (),
            kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        ),
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403, "leaver": 404},
    # Pages about one's own passport stay open to someone who has left; this one is not theirs.
    "passports:detail": passport_page(("carer", "manager")) | {"leaver": 404},
    "passports:edit_about": passport_page(("carer",)) | {"manager": 403},
    "passports:adjustment_new": passport_page(("carer", "manager")),
    "passports:adjustment_edit": passport_page(
        ("carer", "manager"),
        kwargs=lambda t: {
            "org_slug": t.org.slug,
            "pk": t.passport.pk,
            "adjustment_pk": t.adjustment.pk,
        },
    ),
    "passports:review": passport_page(("carer", "manager")),
    "passports:conversation_new": passport_page(("carer", "manager")),
    # The same door as noting a conversation: the carer may read what their manager is prompted.
    "passports:conversation_guide": passport_page(("carer", "manager")),
    "passports:sign": passport_action(("carer", "manager"), data={"version": "1"}),
    # Nothing is agreed yet, so there is no version 1 to show anyone.
    "passports:version": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    )
    | {"leaver": 404},
    # Only the carer downloads the PDF; the manager is refused before the version is looked up.
    "passports:version_pdf": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403, "leaver": 404},
    # A passport is never read with an organisation's token, whatever its owner's roles:
    # every persona's token here is an organisation token (personal ones: passports/tests).
    "api-v1:my_passport": api("GET", (), 403),
    "api-v1:my_agreed_version": api("GET", (), 403, kwargs=lambda t: {"number": 1}),
    "api-v1:my_credential": api("POST", (), 403, kwargs=lambda t: {"number": 1}),
}
