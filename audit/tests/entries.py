"""Audit entries written at a chosen time, and the partition each one is stored in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from audit.models import Action, AuditEvent, Channel

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the audit log is partitioned on PostgreSQL only; SQLite keeps one plain table",
)


def entry_at(moment: datetime, **fields: Any) -> AuditEvent:
    """An entry written as if at ``moment`` (``at`` is set by the database write's clock)."""
    with time_machine.travel(moment, tick=False):
        return AuditEvent.objects.create(
            actor_label=fields.pop("actor_label", "hr@example.org"),
            action=fields.pop("action", Action.VIEW),
            channel=fields.pop("channel", Channel.WEB),
            object_type=fields.pop("object_type", "organisations.staffrecord"),
            object_id=fields.pop("object_id", "7"),
            **fields,
        )


def partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [event.pk]
        )
        (name,) = cursor.fetchone()
    return str(name)


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])
