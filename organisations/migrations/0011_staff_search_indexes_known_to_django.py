"""The staff search's three indexes (first name, last name, staff number), declared on the model so Django's migration state
knows them.

Migration 0004 made them in raw SQL on PostgreSQL only, where Django could neither see nor
change them. On PostgreSQL they already exist, exactly as the model now declares them
(``(organisation_id, upper(name::text) text_pattern_ops)`` and
``(organisation_id, upper(staff_number::text))``), so only the state changes there.
Elsewhere (SQLite) they are built now, without the operator class SQLite does not have. Django
writes the search there as ``LIKE``, which they do not serve: they cost a little on small
databases so that both databases hold the indexes the model declares.
"""

import django.db.models.functions.text
from django.db import migrations, models

import shared.schema

INDEXES = [
    models.Index(
        models.F("organisation"),
        shared.schema.PatternOps(django.db.models.functions.text.Upper(name)),
        name=f"staff_search_{part}_idx",
    )
    for part, name in (("first", "first_name"), ("last", "last_name"))
] + [
    models.Index(
        models.F("organisation"),
        django.db.models.functions.text.Upper("staff_number"),
        name="staff_search_number_idx",
    )
]


def build_where_missing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return  # built by 0004
    model = apps.get_model("organisations", "StaffRecord")
    for index in INDEXES:
        schema_editor.add_index(model, index)


def drop_where_built(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return  # 0004 drops them when it is reversed
    model = apps.get_model("organisations", "StaffRecord")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0010_staff_import_leavers_confirmed")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="staffrecord", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(build_where_missing, drop_where_built)],
        )
    ]
