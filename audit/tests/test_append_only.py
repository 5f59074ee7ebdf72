"""The audit record is append-only (docs/trust-rules.md, rule 5)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AuditEvent, AuditImmutableError, Channel
from audit.services import audit_record


@pytest.fixture
def event(world):
    return audit_record(
        actor=world.hr_admin,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=world.carer_record,
        organisation_id=world.org.pk,
        summary="Viewed",
    )


def test_an_event_records_who_what_when_and_how(event, world):
    assert event.actor_label == "hr@example.org"
    assert event.object_type == "organisations.staffrecord"
    assert event.object_id == str(world.carer_record.pk)
    assert event.at is not None


def test_the_model_refuses_to_change_an_event(event):
    event.summary = "Edited"
    with pytest.raises(AuditImmutableError):
        event.save()


def test_the_model_refuses_to_delete_an_event(event):
    with pytest.raises(AuditImmutableError):
        event.delete()


def test_bulk_update_and_delete_are_refused(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Edited")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"]
)
def test_postgresql_refuses_changes_made_behind_the_model(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).summary == "Viewed"


def test_viewing_a_staff_record_is_audited(client, world):
    client.force_login(world.hr_admin)
    client.get(f"/o/{world.org.slug}/staff/{world.carer_record.pk}/")
    event = AuditEvent.objects.get(action=Action.VIEW, object_id=str(world.carer_record.pk))
    assert event.actor == world.hr_admin
    assert event.channel == Channel.WEB
