"""A backup is proven by restoring it: the product, started on the restored copy, serves the data.

Data is made through the services, on the test database (PostgreSQL in the PostgreSQL pass;
otherwise a SQLite file copied from the in-memory test database) with files in a bucket of
moto's S3 server. ``manage.py backup_create`` runs in a process of its own, as an operator
runs it; ``manage.py backup_restore`` puts the backup into a database and a bucket made for
the test, empty; and a third process, the product on that database and bucket only, serves a
carer's passport and a benchmark evidence file with the bytes that were uploaded.

The refusals run in this process: a damaged backup, a database or store that is not empty, a
backup of other migrations. So do the checks on consistency: a file uploaded while the files
are copied, one removed after the database was copied, one the store has lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from benchmarks.models import EvidenceFile
from benchmarks.services import evidence_remove
from benchmarks.tests.helpers import started, uploaded
from carershub.tests.object_stores import KEY_ID, SECRET, Server, Store, settings_storage
from carershub.tests.personas import World
from organisations.models import StaffImport
from organisations.services import staff_import_stage
from passports.models import Passport
from passports.services import passport_update_about
from passports.tests.helpers import declared
from shared import backups
from shared.storage import CHUNK_BYTES

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

ABOUT_CARING = "I help my dad most mornings."
STAFF_FILE = b"Staff Number,First Name,Last Name\nB001,Bea,Backup\n"


def minutes(size: int) -> bytes:
    """Text different on every line, so a misplaced chunk shows."""
    lines = b"".join(f"Minute {n:07d}: carers' network met.\n".encode() for n in range(size // 30))
    return (lines + b"x" * size)[:size]


def seeded(world: World) -> dict[str, Any]:
    """A carer's passport, benchmark evidence of several chunks and a staff file waiting for
    confirmation, each made as the product makes it."""
    declared(world)
    evidence = uploaded(
        world, started(world), name="Minutes.txt", content=minutes(3 * CHUNK_BYTES + 123)
    )
    job, _plan = staff_import_stage(
        organisation=world.org,
        upload=SimpleUploadedFile("staff.csv", STAFF_FILE),
        mark_missing_as_left=False,
        by=world.hr_admin,
    )
    return {"evidence": evidence, "staff_file": job.file.name}


def database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"


def source_database(tmp_path: Path) -> str:
    """The test database, as another process reaches it. SQLite's lives in this process's
    memory, so it is copied to a file (by SQLite's backup, which copies it as it is)."""
    if connection.vendor == "postgresql":
        return database_url(connection.settings_dict["NAME"])
    path = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}"


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database: on PostgreSQL made by name beside the test database."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"wch_backup_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_bucket(server: Server, tmp_path: Path) -> Store:
    media_root = tmp_path / f"media-{secrets.token_hex(3)}"
    media_root.mkdir()
    return Store(server, f"carershub-{secrets.token_hex(6)}", media_root)


def manage(*args: str, url: str, store: Store) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in a process configured only as a deployment would be."""
    return run([sys.executable, "manage.py", *args], url=url, store=store)


def run(command: list[str], *, url: str, store: Store) -> subprocess.CompletedProcess[str]:
    scrubbed = ("DJANGO_", "DATABASE_", "STORAGE_", "MEDIA_ROOT")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(scrubbed)},
        "DJANGO_SETTINGS_MODULE": "carershub.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": url,
        # Anything written to local disk instead of the bucket shows up here.
        "MEDIA_ROOT": str(store.media_root),
        **store.server.env(store.name),
    }
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


SERVE = """
import django, hashlib, json
django.setup()
from django.test import Client
from django.db import connection
from django.urls import reverse
from accounts.models import User
from benchmarks.models import EvidenceFile
from organisations.models import StaffImport

item = EvidenceFile.objects.get()
org = item.assessment.organisation
carer, champion = Client(), Client()
carer.force_login(User.objects.get(email="carer@example.org"))
champion.force_login(User.objects.get(email="champion@example.org"))
passport = carer.get(reverse("passports:mine", args=[org.slug]), follow=True)
download = champion.get(
    reverse("benchmarks:evidence_download", args=[org.slug, item.assessment_id, item.pk])
)
body = b"".join(download.streaming_content)
with StaffImport.objects.get().file.open("rb") as handle:
    staff_file = handle.read()
with connection.cursor() as cursor:  # the audit log's append-only trigger came back too
    cursor.execute(
        # On the audit table itself (each monthly partition carries a copy of it too).
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_event_append_only'"
        " AND tgrelid = 'audit_auditevent'::regclass"
        if connection.vendor == "postgresql" else "SELECT 1"
    )
    trigger = cursor.fetchone()[0] == 1
print(json.dumps({
    "passport": [passport.status_code, passport.content.decode()],
    "download": [download.status_code, hashlib.sha256(body).hexdigest()],
    "staff_file": hashlib.sha256(staff_file).hexdigest(),
    "trigger": trigger,
}))
"""


def contents(store: Store) -> dict[str, bytes]:
    return {key: store.body(key) for key in sorted(store.keys())}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_a_backup_restored_into_a_new_database_and_bucket_is_served_by_the_product(
    world, s3, s3_server, tmp_path
):
    made = seeded(world)
    evidence: EvidenceFile = made["evidence"]
    uploaded_bytes = contents(s3)
    assert sorted(uploaded_bytes) == sorted([evidence.stored_name, made["staff_file"]])
    source_url = source_database(tmp_path)
    backup = tmp_path / "backup"

    created = manage("backup_create", "--to", str(backup), url=source_url, store=s3)
    assert created.returncode == 0, created.stderr
    manifest_text = (backup / "manifest.json").read_text()
    manifest = json.loads(manifest_text)
    assert {(o["name"], o["sha256"]) for o in manifest["objects"]} == {
        (name, sha256(body)) for name, body in uploaded_bytes.items()
    }
    assert manifest["missing"] == []
    assert manifest["counts"]["files_referenced"] == 2
    assert manifest["counts"]["objects_not_referenced"] == 0  # every kind of file is known
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["passports_passport"] == 1
    assert manifest["migrations"] == backups.code_heads()
    assert KEY_ID not in manifest_text
    assert SECRET not in manifest_text
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in backup.rglob("*") if p.is_file()} == {0o600}

    bucket = fresh_bucket(s3_server, tmp_path)
    with fresh_database(tmp_path) as target_url:
        # The source bucket is not empty: refused, and the new database is left empty.
        refused = manage("backup_restore", "--from", str(backup), url=target_url, store=s3)
        assert refused.returncode != 0
        assert "The file store is not empty" in refused.stderr

        restored = manage("backup_restore", "--from", str(backup), url=target_url, store=bucket)
        assert restored.returncode == 0, restored.stderr
        assert contents(bucket) == uploaded_bytes

        served = run([sys.executable, "-c", SERVE], url=target_url, store=bucket)
        assert served.returncode == 0, served.stderr
        seen = json.loads(served.stdout.strip().splitlines()[-1])
        status, page = seen["passport"]
        assert status == 200
        assert ABOUT_CARING in page
        assert seen["download"] == [200, sha256(uploaded_bytes[evidence.stored_name])]
        assert seen["staff_file"] == sha256(STAFF_FILE)
        assert seen["trigger"]

    assert bucket.local_files() == []
    assert s3.local_files() == []


def damaged(backup: Path, to: Path, relative: str) -> Path:
    """A copy of ``backup`` with one byte of one file changed."""
    shutil.copytree(backup, to)
    path = to / relative
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    return to


def test_a_damaged_backup_is_refused_before_anything_is_restored(world, s3, tmp_path):
    made = seeded(world)
    backup = tmp_path / "backup"
    call_command("backup_create", to=backup, verbosity=0)
    manifest = backups.read_manifest(backup)
    keys = s3.keys()
    rows = EvidenceFile.objects.count()

    for relative in (manifest["database"]["file"], f"objects/{made['evidence'].stored_name}"):
        bad = damaged(backup, tmp_path / f"bad-{secrets.token_hex(3)}", relative)
        with pytest.raises(CommandError, match=f"damaged: {relative} is not the file it was"):
            call_command("backup_restore", source=bad, force=True, verbosity=0)

    (backup / manifest["database"]["file"]).unlink()
    with pytest.raises(CommandError, match=r"damaged: .* is missing"):
        call_command("backup_restore", source=backup, force=True, verbosity=0)
    assert s3.keys() == keys
    assert EvidenceFile.objects.count() == rows


def test_a_forced_restore_puts_back_what_the_backup_holds_over_what_came_after(world, s3, tmp_path):
    made = seeded(world)
    evidence: EvidenceFile = made["evidence"]
    before = contents(s3)
    backup = tmp_path / "backup"
    call_command("backup_create", to=backup, verbosity=0)

    passport = Passport.objects.get()
    passport_update_about(
        passport=passport,
        expected_version=passport.version,
        about_caring="Written after the backup.",
        plan_b_contacts="",
        plan_b_at_work="",
        by=world.carer,
    )
    later = uploaded(world, evidence.assessment, name="Later.txt", content=b"later\n")
    s3.delete(evidence.stored_name)

    call_command("backup_restore", source=backup, force=True, verbosity=0)
    assert Passport.objects.get().about_caring == ABOUT_CARING
    assert list(EvidenceFile.objects.values_list("pk", flat=True)) == [evidence.pk]
    assert s3.body(evidence.stored_name) == before[evidence.stored_name]
    assert set(s3.keys()) == {*before, later.stored_name}  # a file of another name stays


def test_a_database_that_is_not_empty_is_refused(world, s3, tmp_path):
    seeded(world)
    backup = tmp_path / "backup"
    call_command("backup_create", to=backup, verbosity=0)
    keys = s3.keys()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("backup_restore", source=backup, verbosity=0)
    assert s3.keys() == keys


def test_a_backup_of_other_migrations_is_refused(s3, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_create", to=backup, verbosity=0)
    path = backup / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["migrations"]["passports"] = ["0001_initial"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"not this code's.*\n  passports: backup 0001_initial"):
        call_command("backup_restore", source=backup, force=True, verbosity=0)


def test_an_unfinished_backup_is_refused(tmp_path):
    with pytest.raises(CommandError, match="not a finished backup"):
        call_command("backup_restore", source=tmp_path, verbosity=0)


def test_a_backup_is_never_written_over_another(s3, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_create", to=backup, verbosity=0)
    with pytest.raises(CommandError, match="not an empty directory"):
        call_command("backup_create", to=backup, verbosity=0)


def test_a_file_the_store_has_lost_fails_the_backup_loudly(world, s3, tmp_path):
    made = seeded(world)
    lost = made["evidence"].stored_name
    s3.delete(lost)
    backup = tmp_path / "backup"
    with pytest.raises(CommandError, match=f"not in the store: {lost}"):
        call_command("backup_create", to=backup, verbosity=0)
    # Still written: the database copy is worth keeping, and the manifest says what is lost.
    manifest = backups.read_manifest(backup)
    assert manifest["missing"] == [{"name": lost, "still_referenced": True}]


def test_a_file_removed_after_the_database_was_copied_is_reported_not_lost(world, s3, tmp_path):
    made = seeded(world)
    item: EvidenceFile = made["evidence"]
    tmp_path.joinpath("backup").mkdir()
    snapshot = backups.database_snapshot(tmp_path / "backup")
    evidence_remove(item=item, by=world.hr_admin)  # the file goes once the removal commits
    copied = backups.objects_copy(tmp_path / "backup", storage=default_storage)
    assert [c["name"] for c in copied] == [made["staff_file"]]
    assert backups.missing_files(snapshot, copied) == [
        backups.Missing(item.stored_name, still_referenced=False)
    ]


def test_a_file_uploaded_while_files_are_copied_is_in_neither_half(world, s3, tmp_path, settings):
    """The database is copied before the files: a file uploaded meanwhile belongs to a row
    the copy does not have, so the backup is whole without it."""
    seeded(world)
    assessment = EvidenceFile.objects.get().assessment
    during: list[EvidenceFile] = []

    class Busy(type(storages.create_storage(settings.STORAGES["default"]))):  # type: ignore[misc]
        def _open(self, name: str, mode: str = "rb") -> Any:
            if not during:
                during.append(uploaded(world, assessment, name="Late.txt", content=b"late\n"))
            return super()._open(name, mode)

    busy = Busy(**settings.STORAGES["default"]["OPTIONS"])
    created = backups.backup_create(to=tmp_path / "backup", storage=busy)
    assert len(during) == 1
    assert during[0].stored_name in s3.keys()  # noqa: SIM118 - a list, not a dict
    names = {item["name"] for item in created.manifest["objects"]}
    assert during[0].stored_name not in names
    assert created.missing == []
    assert created.manifest["tables"]["benchmarks_evidencefile"] == 1


@pytest.mark.parametrize("kind", ["s3", "azure"])
def test_every_stored_file_is_listed_by_its_site_name_under_a_prefix(
    kind, request, settings, tmp_path
):
    store: Store = request.getfixturevalue(kind)
    variable = "STORAGE_S3_PREFIX" if kind == "s3" else "STORAGE_AZURE_PREFIX"
    storage = settings_storage(**store.server.env(store.name, **{variable: "/trust-a/"}))
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    names = ["benchmarks/evidence/abc", "staff-imports/1/a.csv", "staff-imports/2/b.csv", "top"]
    for name in names:
        default_storage.save(name, ContentFile(b"x"))
    # Outside the prefix: another deployment's file in the same bucket or container.
    other = settings_storage(**store.server.env(store.name, **{variable: "trust-b"}))
    settings.STORAGES = {**settings.STORAGES, "default": other}
    default_storage.save("benchmarks/evidence/theirs", ContentFile(b"y"))
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    assert sorted(backups.stored_names(default_storage)) == names


def test_every_file_on_local_disk_is_listed(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    assert list(backups.stored_names(storage)) == []  # no directory yet
    names = ["benchmarks/evidence/abc", "staff-imports/1/a.csv", "staff-imports/2/b.csv", "top"]
    for name in names:
        storage.save(name, ContentFile(b"x"))
    assert sorted(backups.stored_names(storage)) == names


@pytest.mark.parametrize(
    "name", ["", "/etc/passwd", "../outside", "a/../../outside", "a/./b", "a\\b"]
)
def test_a_name_that_would_reach_outside_the_backup_is_refused(name, tmp_path):
    with pytest.raises(backups.BackupError):
        backups.object_path(tmp_path, name)


def test_staff_files_and_evidence_are_the_files_a_backup_checks():
    columns = dict(backups._file_columns())
    assert columns[StaffImport._meta.db_table] == "file"
    assert columns[EvidenceFile._meta.db_table] == "stored_name"
