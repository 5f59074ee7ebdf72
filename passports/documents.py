"""Printable copies for the carer: an agreed passport, and everything held about them.

Both are HTML templates (``passports/templates/passports/pdf``) made into tagged, accessible
PDFs by ``shared.pdf``, which also embeds the fonts and cleans stored text.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passports.models import AdjustmentStatus, AgreedVersion
from shared.dates import long_date
from shared.pdf import pdf_render

_STATUS = dict(AdjustmentStatus.choices)
_DECLARATION = (
    ("declared_at", gettext_lazy("Declared")),
    ("relationship", gettext_lazy("Who I care for")),
    ("need_kinds", gettext_lazy("Kind of need")),
    ("hours_band", gettext_lazy("Hours of care")),
    ("record_on_staff_record", gettext_lazy("Recorded on my staff record")),
    ("include_in_counts", gettext_lazy("Included in anonymised counts")),
)


def _passport(content: dict[str, Any]) -> dict[str, Any]:
    """A passport's stored content with each adjustment's status in words."""
    return {
        **content,
        "adjustments": [
            {**adjustment, "status": _STATUS.get(adjustment["status"], adjustment["status"])}
            for adjustment in content.get("adjustments", [])
        ],
    }


def agreed_version_pdf(version: AgreedVersion) -> bytes:
    content = version.content
    return pdf_render(
        "passports/pdf/agreed_version.html",
        {
            "version": version,
            "content": content,
            "passport": _passport(content),
            "carer_signed": long_date(version.carer_signed_at),
            "manager_signed": long_date(version.manager_signed_at),
        },
        title=_("Working Carer's Passport, version %(number)s") % {"number": version.number},
        author=str(content.get("organisation", "")),
    )


def _declaration(declaration: dict[str, Any] | None) -> list[tuple[Any, Any]]:
    rows = []
    for key, label in _DECLARATION if declaration else ():
        value = declaration.get(key) if declaration else None
        if isinstance(value, list):
            value = ", ".join(value) or "-"
        rows.append((label, value if value != "" else "-"))
    return rows


def carer_data_pdf(data: dict[str, Any]) -> bytes:
    """The same facts as the JSON download, laid out to read."""
    passport = data.get("passport")
    if passport:
        passport = {
            **passport,
            "draft": _passport(passport["draft"]),
            "agreed_versions": [
                {
                    **version,
                    "agreed_on": version["agreed_at"][:10],
                    "content": _passport(version["content"]),
                }
                for version in passport["agreed_versions"]
            ],
            "seen_by": [{**event, "at": event["at"][:16]} for event in passport["seen_by"]],
        }
    learned = data.get("learning") or {}
    learning = None
    if learned.get("modules") or learned.get("badges"):
        learning = {
            "modules": [
                {
                    "module": row["module"],
                    "passed": _("passed on %(day)s") % {"day": row["passed_at"][:10]}
                    if row["passed_at"]
                    else _("not passed yet"),
                }
                for row in learned.get("modules", [])
            ],
            "badges": [
                {
                    "module": badge["module"],
                    "issued": badge["issued_at"][:10],
                    "valid_until": badge["valid_until"][:10],
                }
                for badge in learned.get("badges", [])
            ],
        }
    return pdf_render(
        "passports/pdf/carer_data.html",
        {
            "data": data,
            "exported": data["exported_at"][:10],
            "declaration": _declaration(data.get("declaration")),
            "passport": passport,
            "learning": learning,
            "reflections": data.get("reflection_log") or [],
        },
        title=_("My carer data"),
        author=str(data["organisation"]),
    )
