"""Schema changes that do not stop the service on the largest tables.

Building an index with a plain ``CREATE INDEX`` locks its table against writes until the build
ends: minutes on a national deployment's staff or audit tables, during which no one can save.
``AddIndexConcurrently`` and ``RemoveIndexConcurrently`` build and drop with PostgreSQL's
``CONCURRENTLY`` (in a migration with ``atomic = False``); on SQLite, where the product runs for
development and small installs, they fall back to the plain operation, so one migration serves
both. ``PatternOps`` lets a search index be declared on the model, where Django's migration
state knows it, instead of in raw SQL it cannot see. The rule these serve is in docs/deploy.md
("Changing the schema without stopping the service").
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres import operations as postgres
from django.core.checks import CheckMessage, Error
from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.models import Func
from django.db.models.expressions import OrderBy
from django.db.models.functions import Collate
from django.db.models.indexes import IndexExpression


def _postgres(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL; a plain index elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(postgres.RemoveIndexConcurrently):
    """``DROP INDEX CONCURRENTLY`` on PostgreSQL; a plain drop elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class PatternOps(Func):
    """An index expression with PostgreSQL's ``text_pattern_ops``, which is what lets a
    ``LIKE 'prefix%'`` (Django's ``istartswith``) use the index whatever the database's
    collation. Other databases have no operator classes and index the bare expression.

    Like ``django.contrib.postgres``'s ``OpClass`` (which has no SQLite form), it must wrap
    the indexed expression from outside its parentheses: ``register_index_wrapper`` tells
    Django's index expressions so when the app starts."""

    template = "%(expressions)s text_pattern_ops"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return compiler.compile(self.source_expressions[0])


def register_index_wrapper() -> None:
    """Let ``PatternOps`` sit between an index's ordering and its collation, as an operator
    class does in ``CREATE INDEX``; the wrappers already known stay. ``django.contrib.postgres``
    resets the list when it starts, so if it is ever installed it must come before ``shared``
    in ``INSTALLED_APPS``: ``index_wrapper_check`` stops start-up otherwise."""
    known = list(IndexExpression.wrapper_classes)
    if PatternOps in known:
        return
    known.insert(known.index(Collate) if Collate in known else len(known), PatternOps)
    if OrderBy not in known:
        known.insert(0, OrderBy)
    IndexExpression.register_wrappers(*known)


def index_wrapper_check(**kwargs: Any) -> list[CheckMessage]:
    """A system check: without the wrapper, Django would build the staff search indexes as
    invalid SQL the next time it makes them (a new database, a squashed migration)."""
    if PatternOps in IndexExpression.wrapper_classes:
        return []
    return [
        Error(
            "shared.schema.PatternOps is not registered as an index expression wrapper.",
            hint="Put django.contrib.postgres before shared in INSTALLED_APPS: it resets the "
            "wrappers when it starts.",
            id="shared.E001",
        )
    ]
