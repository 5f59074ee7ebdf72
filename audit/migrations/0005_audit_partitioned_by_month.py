"""On PostgreSQL the audit table becomes partitioned by month of ``at``, so that months older
than the retention period can be archived and dropped whole (``manage.py audit_archive``,
docs/adr/0018-audit-partitions-and-retention.md) while every entry stays append-only.

It copies the table: under an exclusive lock it renames ``audit_auditevent`` aside, makes the
partitioned table in its place (a DEFAULT partition, one per month that has entries, this
month and three ahead, through ``audit.partitions.audit_partitions_ensure``), copies every
entry across keeping its id, carries the id sequence on past the highest id, drops the old
table, then adds the primary key, the indexes Django's migration state has for the model and
the append-only trigger of 0002 (a row trigger on a partitioned table, PostgreSQL 13 or
later, reaches every partition, present and future).

Downtime: nothing can read or write the audit log until it finishes, and every passport read
writes to it, so run it in a maintenance window. It takes about as long as copying the table
and building its indexes once: measured figures are in docs/deploy.md ("Upgrading").

The primary key in the database is ``(id, at)``, because PostgreSQL needs the partition key in
every unique constraint; Django's state keeps ``id`` as the primary key, and ids still come
from one sequence, so they stay unique.

Reversible: going back copies the entries into a plain table the same way (months already
archived and dropped stay gone). SQLite keeps one plain table; both directions do nothing there.
"""

from django.db import migrations

TABLE = "audit_auditevent"
TRIGGER = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
)


def _one(schema_editor, sql):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _rebuild(apps, schema_editor, *, partitioned):
    """Copy the audit table into a new one, partitioned or not, under the same name."""
    execute = schema_editor.execute
    aside = f"{TABLE}_{'unpartitioned' if partitioned else 'partitioned'}"
    execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    execute(f"ALTER TABLE {TABLE} RENAME TO {aside}")
    execute(
        f"CREATE TABLE {TABLE} (LIKE {aside} INCLUDING DEFAULTS INCLUDING IDENTITY "
        "INCLUDING STORAGE INCLUDING COMMENTS)"
        + (" PARTITION BY RANGE (at)" if partitioned else "")
    )
    if partitioned:
        from audit.partitions import audit_partitions_ensure

        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM {aside}"  # noqa: S608
            )
            months = {row[0] for row in cursor.fetchall()}
        audit_partitions_ensure(extra=months)
    execute(f"INSERT INTO {TABLE} SELECT * FROM {aside}")  # noqa: S608
    # New ids carry on from the old sequence (never reuse one, even of an entry archived).
    (old_sequence,) = _one(schema_editor, f"SELECT pg_get_serial_sequence('{aside}', 'id')")
    last_value, is_called = _one(schema_editor, f"SELECT last_value, is_called FROM {old_sequence}")  # noqa: S608
    (highest,) = _one(schema_editor, f"SELECT max(id) FROM {aside}")  # noqa: S608
    restart = max(last_value + 1 if is_called else last_value, (highest or 0) + 1)
    execute(f"ALTER TABLE {TABLE} ALTER COLUMN id RESTART WITH {restart}")
    execute(f"DROP TABLE {aside}")
    (sequence,) = _one(schema_editor, f"SELECT pg_get_serial_sequence('{TABLE}', 'id')")
    if sequence.split(".")[-1] != f"{TABLE}_id_seq":
        execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_id_seq")
    key = "id, at" if partitioned else "id"
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    # The indexes Django's state has for the model, with the names it gives them, as
    # CreateModel would make them (carershub/tests/test_schema_changes.py compares).
    model = apps.get_model("audit", "AuditEvent")
    for statement in schema_editor._model_indexes_sql(model):
        execute(statement)
    execute(TRIGGER)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(apps, schema_editor, partitioned=True)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(apps, schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_org_recent_index")]

    operations = [migrations.RunPython(forwards, backwards)]
