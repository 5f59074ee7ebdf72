"""What other feature apps may use from learning; nothing else in the app is theirs to import.

Passports builds the person's "download everything about me" file (trust rule 7), and takes
their own reflection log into it from here as plain values, never reading learning's tables.
"""

from __future__ import annotations

from typing import Any

from learning.models import ReflectionEntry
from learning.principles import PRINCIPLES


def reflection_log_export(*, organisation_id: int, user_id: int) -> list[dict[str, Any]]:
    """The person's own reflections here, in the principles' order, as plain values for a
    download: one query. Only for the person themselves: the log is private to them."""
    entries = {
        row.principle: row
        for row in ReflectionEntry.objects.filter(organisation_id=organisation_id, user_id=user_id)
    }
    return [
        {
            "principle": item.title,
            "notes": entry.notes,
            "first_step": entry.first_step,
            "saved_at": entry.updated_at.isoformat(),
        }
        for item in PRINCIPLES
        if (entry := entries.get(item.slug)) is not None
    ]
