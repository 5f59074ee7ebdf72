"""Archiving and dropping months of the audit log older than the retention period
(``manage.py audit_archive``, docs/deploy.md "Audit log retention")."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.archive import ArchiveError, ArchiveNames, audit_archive, retention_limit
from audit.models import Action, AuditEvent, Channel
from audit.partitions import DEFAULT_PARTITION, audit_partitions_ensure, month_start, partition_name
from audit.tests.entries import entry_at, on_postgresql, partition_of, table_exists

pytestmark = [pytest.mark.django_db, on_postgresql]

MARCH, APRIL = date(2015, 3, 1), date(2015, 4, 1)
OLD = "audit_auditevent_2015_03"
NEWER = "audit_auditevent_2015_04"


@pytest.fixture
def months() -> dict[date, list[AuditEvent]]:
    """Two old months with entries: March's three are archived by ``--before 2015-04``."""
    audit_partitions_ensure(extra=[MARCH, APRIL])
    return {
        MARCH: [
            entry_at(datetime(2015, 3, 1, 0, 0, tzinfo=UTC), summary="Viewed"),
            entry_at(
                datetime(2015, 3, 14, 12, 30, 15, 123456, tzinfo=UTC),
                action=Action.UPDATE,
                summary="Changed the Café team's hours",
                changes={"hours": [30, 22.5], "unit": {"from": "Ward 1", "to": "Ward 2"}},
            ),
            entry_at(datetime(2015, 3, 31, 23, 59, 59, tzinfo=UTC), organisation_id=12),
        ],
        APRIL: [
            entry_at(datetime(2015, 4, 2, tzinfo=UTC)),
            entry_at(datetime(2015, 4, 3, tzinfo=UTC)),
        ],
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit_archive", *args, stdout=out, stderr=out)
    return out.getvalue()


def archive_events(action: Action) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="audit.partition", action=action).order_by("id")
    )


def test_a_month_is_written_as_json_lines_with_its_checksum_and_manifest(months, tmp_path):
    output = run("--before", "2015-04", "--to", str(tmp_path))
    assert f"2015-03: 3 entries (ids {months[MARCH][0].pk} to {months[MARCH][-1].pk}" in output
    assert f"archived as {OLD}.jsonl, partition {OLD} kept" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{OLD}.jsonl",
        f"{OLD}.jsonl.sha256",
        f"{OLD}.manifest.json",
    ]
    data = (tmp_path / f"{OLD}.jsonl").read_bytes()
    lines = [json.loads(line) for line in data.decode().splitlines()]
    expected = AuditEvent.objects.filter(pk__in=[e.pk for e in months[MARCH]]).order_by("id")
    assert [line["id"] for line in lines] == [e.pk for e in expected]
    for line, event in zip(lines, expected, strict=True):
        assert datetime.fromisoformat(line["at"]) == event.at
        assert (line["summary"], line["changes"], line["action"], line["organisation_id"]) == (
            event.summary,
            event.changes,
            event.action,
            event.organisation_id,
        )
    sha = hashlib.sha256(data).hexdigest()
    assert (tmp_path / f"{OLD}.jsonl.sha256").read_text() == f"{sha}  {OLD}.jsonl\n"
    # Personal data: readable by its owner only.
    assert {p.stat().st_mode & 0o777 for p in tmp_path.iterdir()} == {0o600}
    manifest = json.loads((tmp_path / f"{OLD}.manifest.json").read_text())
    assert manifest | {"archived_at": None} == manifest | {
        "month": "2015-03",
        "partition": OLD,
        "rows": 3,
        "first_id": months[MARCH][0].pk,
        "last_id": months[MARCH][-1].pk,
        "sha256": sha,
        "archived_at": None,
    }
    # Archiving alone drops nothing, and is audited with what a later reader needs to check it.
    assert table_exists(OLD)
    assert AuditEvent.objects.filter(at__lt=datetime(2015, 4, 1, tzinfo=UTC)).count() == 3
    (event,) = archive_events(Action.EXPORT)
    assert event.channel == Channel.COMMAND
    assert event.object_id == "2015-03"
    assert event.changes | {"archive": None} == {
        "month": "2015-03",
        "partition": OLD,
        "rows": 3,
        "first_id": months[MARCH][0].pk,
        "last_id": months[MARCH][-1].pk,
        "sha256": sha,
        "archive": None,
    }
    assert archive_events(Action.DELETE) == []


def test_drop_removes_only_the_months_before_and_is_audited(months, tmp_path):
    output = run("--before", "2015-04", "--to", str(tmp_path), "--drop")
    assert f"partition {OLD} dropped" in output
    assert not table_exists(OLD)
    assert table_exists(NEWER)
    assert table_exists(DEFAULT_PARTITION)
    assert table_exists(partition_name(month_start(timezone.now())))
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in months[MARCH]]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in months[APRIL]]).count() == 2
    (exported,) = archive_events(Action.EXPORT)
    (dropped,) = archive_events(Action.DELETE)
    sha = hashlib.sha256((tmp_path / f"{OLD}.jsonl").read_bytes()).hexdigest()
    for event in (exported, dropped):
        assert (event.object_id, event.changes["rows"], event.changes["sha256"]) == (
            "2015-03",
            3,
            sha,
        )
        # Written in this month's partition, which no run can drop.
        assert partition_of(event) == partition_name(month_start(timezone.now()))


def test_a_month_inside_the_retention_period_is_refused(months, tmp_path, settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    limit = retention_limit()
    too_new = f"{date(limit.year + (limit.month == 12), limit.month % 12 + 1, 1):%Y-%m}"
    with pytest.raises(CommandError, match="inside the retention period of 12 months"):
        run("--before", too_new, "--to", str(tmp_path), "--drop")
    # Seven years back from today, 2015 is long inside it.
    settings.AUDIT_RETENTION_MONTHS = 12 * 30
    with pytest.raises(CommandError, match="retention period"):
        run("--before", "2015-04", "--to", str(tmp_path), "--drop")
    assert list(tmp_path.iterdir()) == []
    assert table_exists(OLD)
    assert archive_events(Action.EXPORT) == []
    # The oldest month inside the period is the latest --before allowed.
    settings.AUDIT_RETENTION_MONTHS = 12
    assert "2015-04: 2 entries" in run("--before", f"{limit:%Y-%m}", "--to", str(tmp_path))


def test_a_dry_run_changes_nothing(months, tmp_path):
    before = AuditEvent.objects.count()
    output = run("--before", "2015-05", "--to", str(tmp_path), "--drop", "--dry-run")
    assert "2015-03: 3 entries" in output
    assert "2015-04: 2 entries" in output
    assert output.count("would archive") == 2
    assert output.count("would drop") == 2
    assert list(tmp_path.iterdir()) == []
    assert table_exists(OLD)
    assert table_exists(NEWER)
    assert AuditEvent.objects.count() == before


def test_a_second_run_finds_the_month_archived_and_changes_nothing(months, tmp_path):
    run("--before", "2015-04", "--to", str(tmp_path))
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    output = run("--before", "2015-04", "--to", str(tmp_path))
    assert "already archived" in output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == written
    assert len(archive_events(Action.EXPORT)) == 1
    # Dropping later checks the archive already made against the partition, then drops.
    assert "already archived" in run("--before", "2015-04", "--to", str(tmp_path), "--drop")
    assert not table_exists(OLD)
    assert len(archive_events(Action.EXPORT)) == 1
    assert len(archive_events(Action.DELETE)) == 1
    assert "nothing to do" in run("--before", "2015-04", "--to", str(tmp_path), "--drop")
    assert len(archive_events(Action.DELETE)) == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == written


def _change_a_summary(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"Viewed", b"Vewied", 1))


def _change_the_checksum(path: Path) -> None:
    path.with_name(path.name + ".sha256").write_text("0" * 64 + f"  {path.name}\n")


def _lose_the_last_line(path: Path) -> None:
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-1]))


@pytest.mark.parametrize("damage", [_change_a_summary, _change_the_checksum, _lose_the_last_line])
def test_a_damaged_archive_stops_the_drop(months, tmp_path, damage):
    run("--before", "2015-04", "--to", str(tmp_path))
    damage(tmp_path / f"{OLD}.jsonl")
    with pytest.raises(CommandError, match="nothing was dropped"):
        run("--before", "2015-04", "--to", str(tmp_path), "--drop")
    assert table_exists(OLD)
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in months[MARCH]]).count() == 3
    assert archive_events(Action.DELETE) == []


class LosingStorage(FileSystemStorage):
    """A store that loses the end of a large file as it writes it (a full disk, a cut
    upload) and says nothing."""

    def save(self, name, content, max_length=None):
        saved = super().save(name, content, max_length=max_length)
        if saved.endswith(".jsonl"):
            path = Path(self.path(saved))
            path.write_bytes(path.read_bytes()[:-10])
        return saved


def test_an_archive_that_reads_back_wrong_is_not_dropped_or_recorded(months, tmp_path):
    with pytest.raises(ArchiveError, match="does not match what was written"):
        list(audit_archive(before=APRIL, storage=LosingStorage(location=tmp_path), drop=True))
    assert table_exists(OLD)
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in months[MARCH]]).count() == 3
    assert not (tmp_path / f"{OLD}.manifest.json").exists()
    assert archive_events(Action.EXPORT) == archive_events(Action.DELETE) == []
    # Run again with a store that keeps what it is given: the unchecked files are replaced.
    (result,) = audit_archive(before=APRIL, storage=FileSystemStorage(location=tmp_path), drop=True)
    assert (result.archive, result.partition_state) == ("archived", "dropped")
    assert not table_exists(OLD)


def test_the_archive_goes_to_the_shared_object_store(months, s3):
    run("--before", "2015-04", "--to", "audit-archive/", "--drop")
    names = ArchiveNames.of("audit-archive", OLD)
    assert s3.keys() == sorted([names.data, names.checksum, names.manifest])
    body = s3.body(names.data)
    assert len(body.splitlines()) == 3
    assert s3.body(names.checksum).decode().split()[0] == hashlib.sha256(body).hexdigest()
    assert not table_exists(OLD)


def test_entries_left_in_the_default_partition_are_reported(months, tmp_path):
    entry_at(datetime(2014, 12, 25, tzinfo=UTC))  # no partition for December 2014
    output = run("--before", "2015-04", "--to", str(tmp_path))
    assert "1 entries before 2015-04 are in the default partition" in output
