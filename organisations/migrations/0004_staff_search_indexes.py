"""Indexes for the staff search on PostgreSQL.

The search matches the start of a first or last name, or a whole staff number or email,
without regard to case: Django writes that as ``UPPER(col::text) LIKE 'X%'`` and
``UPPER(col::text) = 'X'``. One expression index per column, led by the organisation,
lets PostgreSQL combine them (BitmapOr) instead of reading every staff record of the
organisation; ``text_pattern_ops`` is what lets a LIKE prefix use the index. SQLite has no
operator classes and its search is small, so it gets none.
"""

from django.db import migrations

INDEXES = {
    "staff_search_first_idx": "upper((first_name)::text) text_pattern_ops",
    "staff_search_last_idx": "upper((last_name)::text) text_pattern_ops",
    "staff_search_number_idx": "upper((staff_number)::text)",
    "staff_search_email_idx": "upper((work_email)::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON organisations_staffrecord "
            f"(organisation_id, {expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_staff_working_days")]

    operations = [migrations.RunPython(create, drop)]
