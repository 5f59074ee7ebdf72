"""Schema changes that keep the service up on the largest tables (docs/deploy.md, "Changing
the schema without stopping the service"): every index is one Django's migration state knows,
an index on a table that already exists is built and dropped concurrently, and the concurrent
operations work on both databases the product runs on."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from organisations.models import StaffRecord
from shared.schema import AddIndexConcurrently, RemoveIndexConcurrently

ROOT = Path(settings.BASE_DIR)
#: Each app's last migration from before the rule: they ran long ago and stay as they were.
BEFORE_THE_RULE = {
    "accounts": 5, "api": 2, "audit": 4, "benchmarks": 1, "commitments": 2,
    "communications": 1, "credentials": 3, "forum": 1, "insights": 1, "learning": 5,
    "leave": 11, "networks": 3, "organisations": 11, "passports": 4, "plans": 1,
    "policies": 1, "shared": 3, "signposting": 3,
}  # fmt: skip
#: Raw SQL that made indexes before their state was declared (0011 declares them).
RAW_INDEX_SQL_ALLOWED = {
    "organisations/migrations/0004_staff_search_indexes.py",
    "organisations/migrations/0007_staff_indexes_led_by_user_and_email.py",
}
CREATE_INDEX = re.compile(r"\b(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\b", re.I)


def _project_apps() -> list[str]:
    return [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
        and Path(config.path).relative_to(ROOT).parts[0] not in {".venv", "node_modules"}
    ]


def _migration_files() -> list[Path]:
    return sorted(
        path
        for label in _project_apps()
        for path in (Path(apps.get_app_config(label).path) / "migrations").glob("0*.py")
    )


def migration_problems(path: Path, source: str) -> list[str]:
    """What a migration does that blocks writes on a live table, or hides an index from
    Django."""
    relative = path.relative_to(ROOT).as_posix() if path.is_absolute() else path.as_posix()
    problems = []
    if CREATE_INDEX.search(source) and relative not in RAW_INDEX_SQL_ALLOWED:
        problems.append(f"{relative}: builds or drops an index in raw SQL Django cannot see")
    app, number = relative.split("/")[0], int(path.name[:4])
    if number <= BEFORE_THE_RULE.get(app, 0):
        return problems
    tree = ast.parse(source)
    created = {
        str(node.value).lower()
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "CreateModel"
        for keyword in call.keywords
        if keyword.arg == "name" and isinstance(node := keyword.value, ast.Constant)
    }
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or getattr(call.func, "attr", "") not in {
            "AddIndex",
            "RemoveIndex",
        }:
            continue
        operation = getattr(call.func, "attr", "")
        model = next(
            (
                str(k.value.value)
                for k in call.keywords
                if k.arg == "model_name" and isinstance(k.value, ast.Constant)
            ),
            None,
        )
        if model is not None and model.lower() in created:
            continue  # a new table is empty: nothing waits on its index
        problems.append(
            f"{relative}: {operation} on an existing table ({model}); use "
            "shared.schema.AddIndexConcurrently / RemoveIndexConcurrently in a migration "
            "with atomic = False"
        )
    if "Concurrently(" in source and "atomic = False" not in source:
        problems.append(f"{relative}: a concurrent index build needs atomic = False")
    return problems


def test_no_migration_blocks_writes_or_hides_an_index() -> None:
    files = _migration_files()
    assert len(files) > 50
    problems = [p for path in files for p in migration_problems(path, path.read_text())]
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_blocking_index_build() -> None:
    later = Path("organisations/migrations/0099_later.py")
    plain = (
        "migrations.AddIndex(model_name='staffrecord', index=models.Index(fields=['x'], name='x'))"
    )
    assert migration_problems(later, plain)
    assert migration_problems(later, "schema_editor.execute('CREATE INDEX x ON y (z)')")
    concurrent = plain.replace("migrations.AddIndex", "shared.schema.AddIndexConcurrently")
    assert migration_problems(later, concurrent)  # without atomic = False
    assert not migration_problems(later, "atomic = False\n" + concurrent)
    new_table = "migrations.CreateModel(name='Thing', fields=[])\n" + plain.replace(
        "staffrecord", "thing"
    )
    assert not migration_problems(later, new_table)


def _known_index_names() -> dict[str, set[str]]:
    """Every index and constraint name the migration state would create, by table: what
    ``CREATE TABLE`` and its indexes would say for each model, collected without running."""
    state = MigrationLoader(connection).project_state()
    known: dict[str, set[str]] = {}
    labels = set(_project_apps())
    for model in state.apps.get_models():
        if model._meta.app_label not in labels or not model._meta.managed:
            continue
        with connection.schema_editor(collect_sql=True) as editor:
            editor.create_model(model)
            statements = [*editor.collected_sql, *map(str, editor.deferred_sql)]
        table = model._meta.db_table
        names = known.setdefault(table, {f"{table}_pkey"})
        for statement in statements:
            names.update(re.findall(r'(?:INDEX|CONSTRAINT)\s+"([^"]+)"', statement))
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                names.add(f"{table}_{field.column}_key"[:63])
    return known


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")
def test_every_index_in_the_database_is_known_to_django() -> None:
    known = _known_index_names()
    assert "staff_search_first_idx" in known[StaffRecord._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s)",
            [sorted(known)],
        )
        found = cursor.fetchall()
    assert len(found) > 100
    unknown = sorted(f"{table}.{name}" for table, name in found if name not in known[table])
    assert not unknown, unknown


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")
def test_the_declared_search_indexes_are_the_ones_postgresql_has() -> None:
    """0011 only told Django about the indexes 0004 built: what the model declares must be
    exactly what is there, or a database built from scratch would differ from a migrated one."""
    table = StaffRecord._meta.db_table

    def definitions() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname LIKE 'staff_search_%%'",
                [table],
            )
            return dict(cursor.fetchall())

    built = definitions()
    assert set(built) == {
        "staff_search_first_idx",
        "staff_search_last_idx",
        "staff_search_number_idx",
    }
    assert "text_pattern_ops" in built["staff_search_first_idx"]
    declared = [i for i in StaffRecord._meta.indexes if i.name in built]
    with connection.schema_editor() as editor:
        for index in declared:
            editor.remove_index(StaffRecord, index)
            editor.add_index(StaffRecord, index)
    assert definitions() == built


@pytest.mark.django_db(transaction=True)
def test_indexes_are_built_and_dropped_concurrently_where_the_database_can() -> None:
    """On PostgreSQL the statements say CONCURRENTLY; on SQLite the same operations make a
    plain index, so one migration serves both."""
    from django.db import models

    index = models.Index(fields=["organisation", "hours_per_week"], name="staff_hours_try_idx")
    before = ProjectState.from_apps(apps)
    after = before.clone()
    add = AddIndexConcurrently(model_name="staffrecord", index=index)
    add.state_forwards("organisations", after)
    sent: list[str] = []

    def watch(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            return set(connection.introspection.get_constraints(cursor, StaffRecord._meta.db_table))

    concurrently = connection.vendor == "postgresql"
    with connection.execute_wrapper(watch):
        with connection.schema_editor(atomic=False) as editor:
            add.database_forwards("organisations", editor, before, after)
        assert "staff_hours_try_idx" in indexes()
        remove = RemoveIndexConcurrently(model_name="staffrecord", name="staff_hours_try_idx")
        with connection.schema_editor(atomic=False) as editor:
            remove.database_forwards("organisations", editor, after, before)
        assert "staff_hours_try_idx" not in indexes()
    ddl = [sql for sql in sent if re.match(r"(CREATE|DROP) INDEX", sql)]
    assert len(ddl) == 2
    assert all(("CONCURRENTLY" in sql) is concurrently for sql in ddl), ddl


def test_start_up_stops_when_the_index_wrapper_is_lost(monkeypatch):
    """django.contrib.postgres resets Django's index wrappers when it starts: installed after
    shared it would drop PatternOps, and the check says so before a broken index is built."""
    from django.db.models.expressions import OrderBy
    from django.db.models.functions import Collate
    from django.db.models.indexes import IndexExpression

    from shared.schema import index_wrapper_check

    assert index_wrapper_check() == []
    monkeypatch.setattr(IndexExpression, "wrapper_classes", (OrderBy, Collate))
    assert [error.id for error in index_wrapper_check()] == ["shared.E001"]
