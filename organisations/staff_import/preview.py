"""Comparing a row with the record on file, and showing the difference.

For both engines' previews, the chunked engine's writes and the audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from organisations import working_pattern
from organisations.models import BankHolidayWork, StaffStatus
from organisations.staff_import.columns import FIELD_LABELS, Layout
from organisations.staff_import.plan import ImportPlan


def supplied_values(layout: Layout, row: Sequence[Any]) -> dict[str, Any]:
    """The values a staged row gives, by field: what is absent leaves the record alone."""
    supplied: dict[str, Any] = {"first_name": row[3], "last_name": row[4]}
    if layout.has("work_email"):
        supplied["work_email"] = row[5]
    if layout.has("unit_code"):
        supplied["unit_id"] = row[6]
    for key, value in (
        ("days_per_week", row[8]),
        ("hours_per_week", row[9]),
        ("working_days", row[10]),
        ("works_bank_holidays", row[12]),
    ):
        if value is not None:
            supplied[key] = value
    if layout.has("start_date"):
        supplied["start_date"] = row[11]
    return supplied


def compare(
    *, current: dict[str, Any], current_manager: str, supplied: dict[str, Any], manager: str | None
) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """The record's values after the import, and what changes as (old, new)."""
    wanted = {**current, **supplied, "status": StaffStatus.ACTIVE.value}
    changes = {key: (current[key], value) for key, value in wanted.items() if current[key] != value}
    if manager is not None and current_manager != manager:
        changes["line_manager"] = (current_manager, manager)
    return wanted, changes


def jsonable(changes: dict[str, tuple[Any, Any]]) -> dict[str, list[str]]:
    """Changes as the audit keeps them: text, with an empty value as ``""``."""
    return {
        key: [str(old) if old is not None else "", str(new) if new is not None else ""]
        for key, (old, new) in changes.items()
    }


def shown(name: str, value: Any, unit_codes: dict[int, str]) -> str:
    """A value as the preview page shows it."""
    if name == "working_days":
        return working_pattern.describe(value)
    if name == "works_bank_holidays":
        return str(BankHolidayWork(value).label)
    if value is None or value == "":
        return "—"
    if name == "unit_id":
        return unit_codes.get(value, str(value))
    return str(value)


def preview_added(row: Sequence[Any], unit_codes: dict[int, str]) -> dict[str, Any]:
    return {
        "line": row[0],
        "staff_number": row[1],
        "name": f"{row[3]} {row[4]}",
        "unit": shown("unit_id", row[6], unit_codes),
        "line_manager": row[7] or "—",
    }


def preview_updated(
    row: Sequence[Any],
    wanted: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    unit_codes: dict[int, str],
) -> dict[str, Any]:
    return {
        "line": row[0],
        "staff_number": row[1],
        "name": f"{wanted['first_name']} {wanted['last_name']}",
        "changes": [
            {
                "field": str(FIELD_LABELS[key]),
                "old": shown(key, old, unit_codes),
                "new": shown(key, new, unit_codes),
            }
            for key, (old, new) in changes.items()
        ],
    }


def summary_for(plan: ImportPlan, file_name: str) -> str:
    counts = plan.counts()
    return (
        f"Staff import {file_name}: {counts['add']} added, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged, {counts['mark_left']} marked as left"
    )
