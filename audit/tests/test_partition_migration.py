"""``audit.0005`` turns the audit table into a partitioned one and back, keeping every entry,
its id, the sequence, the indexes Django knows and the append-only trigger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEvent
from audit.partitions import DEFAULT_PARTITION, audit_is_partitioned
from audit.tests.entries import entry_at, on_postgresql, partition_of

BEFORE = [("audit", "0004_audit_org_recent_index")]
AFTER = [("audit", "0005_audit_partitioned_by_month")]
#: A month with no partition in the test database.
LONG_AGO = datetime(2014, 6, 9, 8, 0, tzinfo=UTC)


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent'"
        )
        return dict(cursor.fetchall())


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _refuses_delete(pk: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [pk])
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


@on_postgresql
@pytest.mark.django_db  # PostgreSQL's DDL is transactional: the test's rollback undoes it all
def test_the_migration_goes_back_and_forth_keeping_every_entry():
    partitioned_indexes = _indexes()
    old = entry_at(LONG_AGO, summary="Long ago", changes={"a": [1, 2]})
    new = entry_at(timezone.now(), summary="Now")
    assert partition_of(old) == DEFAULT_PARTITION
    _migrate(BEFORE)
    assert not audit_is_partitioned()
    assert partition_of(old) == "audit_auditevent"
    plain_indexes = _indexes()
    assert set(plain_indexes) == set(partitioned_indexes)
    assert plain_indexes["audit_auditevent_pkey"].endswith("(id)")
    assert _refuses_delete(old.pk)
    between = entry_at(timezone.now(), summary="Between")
    assert between.pk > new.pk

    _migrate(AFTER)
    assert audit_is_partitioned()
    assert _indexes().keys() == partitioned_indexes.keys()
    assert _indexes()["audit_auditevent_pkey"].endswith("(id, at)")
    # The month that had entries got its partition; nothing waits in DEFAULT.
    assert partition_of(old) == "audit_auditevent_2014_06"
    kept = AuditEvent.objects.filter(pk__in=[old.pk, new.pk, between.pk]).order_by("id")
    assert [(e.summary, e.at, e.changes) for e in kept] == [
        ("Long ago", old.at, {"a": [1, 2]}),
        ("Now", new.at, {}),
        ("Between", between.at, {}),
    ]
    assert _refuses_delete(old.pk)
    assert entry_at(timezone.now()).pk > between.pk
