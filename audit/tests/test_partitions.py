"""The audit log partitioned by month on PostgreSQL, still append-only in every partition
(docs/adr/0018-audit-partitions-and-retention.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, AuditImmutableError
from audit.partitions import (
    DEFAULT_PARTITION,
    add_months,
    audit_is_partitioned,
    audit_partitions,
    audit_partitions_ensure,
    month_start,
    partition_name,
)
from audit.tests.entries import entry_at, on_postgresql, partition_of, table_exists

pytestmark = pytest.mark.django_db

THIS_MONTH = month_start(timezone.now())
#: Far enough ahead that no partition exists for it: entries then land in DEFAULT.
UNCOVERED = datetime(2040, 2, 14, 9, 30, tzinfo=UTC)


@on_postgresql
def test_the_migration_made_a_partition_for_this_month_and_three_ahead():
    assert audit_is_partitioned()
    months = [p.month for p in audit_partitions()]
    assert months[0] is None  # DEFAULT
    assert {add_months(THIS_MONTH, n) for n in range(4)} <= set(months)
    assert audit_partitions_ensure() == []  # nothing left to make


@on_postgresql
def test_an_entry_lands_in_the_partition_of_its_month():
    made = audit_partitions_ensure(extra=[date(2015, 3, 1)])
    assert made == ["audit_auditevent_2015_03"]
    now = entry_at(timezone.now())
    old = entry_at(datetime(2015, 3, 31, 23, 59, 59, tzinfo=UTC))
    next_day = entry_at(datetime(2015, 4, 1, 0, 0, tzinfo=UTC))
    later = entry_at(UNCOVERED)
    assert partition_of(now) == partition_name(THIS_MONTH)
    assert partition_of(old) == "audit_auditevent_2015_03"
    assert partition_of(next_day) == DEFAULT_PARTITION
    assert partition_of(later) == DEFAULT_PARTITION
    # Ids still come from one sequence, in order, whatever the partition.
    assert now.pk < old.pk < next_day.pk < later.pk


def _targets() -> list[str]:
    return ["audit_auditevent", partition_name(THIS_MONTH), DEFAULT_PARTITION]


@on_postgresql
@pytest.mark.parametrize("table", _targets())
@pytest.mark.parametrize("statement", ["UPDATE {} SET summary = 'x'", "DELETE FROM {}"])
def test_no_partition_lets_an_entry_change_or_go(table, statement):
    kept = [entry_at(timezone.now(), summary="Viewed"), entry_at(UNCOVERED, summary="Viewed")]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table))
    assert [e.summary for e in AuditEvent.objects.filter(pk__in=[e.pk for e in kept])] == [
        "Viewed",
        "Viewed",
    ]


@on_postgresql
def test_the_application_cannot_delete_through_the_orm_either():
    event = entry_at(timezone.now())
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutableError):
        event.delete()
    # Behind the queryset's refusal, the database's own.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_entries_waiting_in_default_move_into_their_month_without_a_delete():
    waiting = entry_at(UNCOVERED, summary="Waited", changes={"note": "café"})
    assert partition_of(waiting) == DEFAULT_PARTITION
    made = audit_partitions_ensure(today=date(2040, 1, 5), months_ahead=1)
    assert made == ["audit_auditevent_2040_01", "audit_auditevent_2040_02"]
    moved = AuditEvent.objects.get(pk=waiting.pk)
    assert partition_of(moved) == "audit_auditevent_2040_02"
    assert (moved.at, moved.summary, moved.changes) == (
        waiting.at,
        "Waited",
        {"note": "café"},
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{DEFAULT_PARTITION}"')  # noqa: S608
        assert cursor.fetchone() == (0,)
    assert not table_exists(f"{DEFAULT_PARTITION}_moving")
    # The new partitions and the new DEFAULT refuse changes like the others.
    assert partition_of(entry_at(datetime(2041, 6, 1, tzinfo=UTC))) == DEFAULT_PARTITION
    for table in ("audit_auditevent_2040_02", DEFAULT_PARTITION):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
    later = entry_at(UNCOVERED)
    assert later.pk > waiting.pk
    assert partition_of(later) == "audit_auditevent_2040_02"


@on_postgresql
def test_the_nightly_task_makes_the_months_ahead_on_the_default_queue():
    from crontask import scheduler

    from audit.tasks import audit_partitions_ahead

    assert audit_partitions_ahead.queue_name == "default"
    assert audit_partitions_ahead.name in {job.name for job in scheduler.get_jobs()}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{partition_name(add_months(THIS_MONTH, 3))}"')
    result = audit_partitions_ahead.enqueue()  # the test backend runs it at once
    assert result.return_value == {"partitions_made": 1}
    assert table_exists(partition_name(add_months(THIS_MONTH, 3)))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="what SQLite does instead")
def test_on_sqlite_the_table_is_one_and_partitions_are_left_alone():
    assert not audit_is_partitioned()
    assert audit_partitions() == []
    assert audit_partitions_ensure() == []
    entry_at(UNCOVERED)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="what SQLite does instead")
def test_on_sqlite_the_archive_command_says_it_needs_postgresql(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("audit_archive", "--before", "2015-04", "--to", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
