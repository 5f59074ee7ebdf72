"""Clean text stored before the text rule (``shared/text.py``, ``docs/text.md``).

Every text column of the product's own tables is read, and a value the rule would not
have let in is put right the way the rule would have, removing rather than refusing since
there is nobody to ask: a single line has what is not text removed and its line breaks
made spaces; several lines (a ``TextField``, or one of ``MULTILINE`` below) have what is
not text removed and every line break made a line feed; strings inside JSON are cleaned as
several lines. Everything ends up in NFC. None of this changes what a reader sees: only
characters that cannot be shown or printed go, and accents written in two ways are
written in one. That includes agreed passport versions and signed commitments, whose
words stay as they were signed.

The report printed says, for each table and column, how many rows changed, and how many
were left because their cleaned value would have been the same as another row's where the
column must be unique (two staff numbers that differ only in how an accent is written):
those need a person to decide. It never shows the text: it is personal data.

Left alone: the audit log, which is append-only (a trigger refuses changes on PostgreSQL)
and whose words the product writes; queued emails and the one-time form tokens, which the
product writes and soon deletes; and columns with fixed choices.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps.registry import Apps
from django.db import IntegrityError, migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from shared.text import scrub_json, scrub_text

#: The apps whose people type text.
APPS = (
    "accounts",
    "organisations",
    "api",
    "leave",
    "credentials",
    "passports",
    "plans",
    "commitments",
    "benchmarks",
)
#: Short text columns that a page edits in a text area, so may hold line breaks.
MULTILINE = {
    ("leave", "carersleaverequest", "note"),
    ("credentials", "signingkey", "revocation_reason"),
}
BATCH = 2000
#: Rows worth a look in a column: anything but printable ASCII (plus tab and line feed where
#: they are allowed). Most rows are plain ASCII and never leave the database.
_SUSPECT_LINE = "[^ -~]"
_SUSPECT_LINES = "[^\t\n -~]"


@dataclass
class Cleaned:
    table: str
    column: str
    rows: int = 0
    clashes: int = 0


def _columns(model: type[models.Model]) -> list[tuple[models.Field[Any, Any], str]]:
    """(field, kind) for each column to clean: "line", "lines" or "json"."""
    found: list[tuple[models.Field[Any, Any], str]] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.choices:
            continue
        if isinstance(field, models.JSONField):
            found.append((field, "json"))
        elif (
            isinstance(field, models.TextField)
            or (
                model._meta.app_label,
                model._meta.model_name,
                field.name,
            )
            in MULTILINE
        ):
            found.append((field, "lines"))
        elif isinstance(field, models.CharField):
            found.append((field, "line"))
    return found


def _cleaned(value: Any, kind: str) -> Any:
    if kind == "json":
        return scrub_json(value)
    if not isinstance(value, str):
        return value
    return scrub_text(value, multiline=kind == "lines")


def _clean_model(model: type[models.Model], report: list[Cleaned]) -> None:
    columns = _columns(model)
    if not columns:
        return
    suspect = models.Q()
    for field, kind in columns:
        if kind == "json":
            suspect = models.Q(pk__isnull=False)  # JSON is read whole
            break
        pattern = _SUSPECT_LINES if kind == "lines" else _SUSPECT_LINE
        suspect |= models.Q(**{f"{field.attname}__regex": pattern})
    tallies = {field.attname: Cleaned(model._meta.db_table, field.column) for field, _ in columns}
    names = [field.attname for field, _ in columns]
    last: Any = None
    while True:
        rows = model._default_manager.filter(suspect).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *names)[:BATCH])
        if not batch:
            break
        last = batch[-1][0]
        for pk, *values in batch:
            changes = {}
            for (field, kind), value in zip(columns, values, strict=True):
                cleaned = _cleaned(value, kind)
                if cleaned != value:
                    changes[field.attname] = cleaned
            if not changes:
                continue
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**changes)
            except IntegrityError:
                for name in changes:
                    tallies[name].clashes += 1
            else:
                for name in changes:
                    tallies[name].rows += 1
    report.extend(tally for tally in tallies.values() if tally.rows or tally.clashes)


def clean_stored_text(apps: Apps) -> list[Cleaned]:
    """Clean every text column of the product's tables; what changed, by table and column."""
    report: list[Cleaned] = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.managed and not model._meta.proxy:
                _clean_model(model, report)
    return report


def report_lines(report: list[Cleaned]) -> list[str]:
    if not report:
        return ["Stored text checked against the text rule: nothing needed cleaning."]
    lines = ["Stored text cleaned by the text rule (docs/text.md):"]
    for tally in report:
        line = f"  {tally.table}.{tally.column}: {tally.rows} row(s) cleaned"
        if tally.clashes:
            line += (
                f", {tally.clashes} left as they were because the cleaned value would repeat "
                "another row's"
            )
        lines.append(line)
    return lines


def _forwards(
    apps: Apps,
    schema_editor: BaseDatabaseSchemaEditor,
    write: Callable[[str], Any] = sys.stdout.write,
) -> None:
    # Printed under "Applying carershub.0003_clean_stored_text...", before its "OK".
    for line in report_lines(clean_stored_text(apps)):
        write(f"\n    {line}")
    write("\n   ")


class Migration(migrations.Migration):
    dependencies = [
        ("carershub", "0002_form_submission"),
        ("accounts", "0004_user_role_stamp"),
        ("organisations", "0010_staff_import_leavers_confirmed"),
        ("api", "0002_apitoken_personal"),
        ("leave", "0009_leave_reminders_recorded"),
        ("credentials", "0003_holder_refusals"),
        ("passports", "0004_share_ended_by_import_leaving"),
        ("plans", "0001_action_plans"),
        ("commitments", "0001_leadership_commitment_and_versions"),
        ("benchmarks", "0001_assessments"),
    ]

    operations = [migrations.RunPython(_forwards, migrations.RunPython.noop, elidable=True)]
