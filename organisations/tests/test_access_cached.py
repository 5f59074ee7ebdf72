"""Issue 19: a person's organisations, roles and leads are kept across requests under the
``access_version`` the database moves on every change (organisations migration 0017). The
sweep below changes power every way it can change, most of them ways no Django signal
sees, and each change must reach the very next request."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.models import Channel
from carershub.tests.personas import World
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffRecord,
    StaffStatus,
)
from organisations.services import membership_revoke, staff_record_mark_left
from organisations.staff_import import apply_import
from organisations.tests.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_list(world: World) -> str:
    return reverse("organisations:staff_list", args=[world.org.slug])


def hr_record(world: World) -> StaffRecord:
    return StaffRecordFactory.create(
        organisation=world.org, staff_number="H001", user=world.hr_admin
    )


def version(user: User) -> int:
    return User.objects.values_list("access_version", flat=True).get(pk=user.pk)


def _revoke_by_service(world: World) -> None:
    membership = Membership.objects.get(user=world.hr_admin, role=Role.HR_ADMIN)
    membership_revoke(membership=membership, by=world.org_admin, channel=Channel.WEB)


def _delete_rows(world: World) -> None:
    Membership.objects.filter(user=world.hr_admin, role=Role.HR_ADMIN).delete()


def _update_rows(world: World) -> None:
    Membership.objects.filter(user=world.hr_admin, role=Role.HR_ADMIN).update(role=Role.CHAMPION)


def _raw_sql(world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM organisations_membership WHERE user_id = %s AND role = %s",
            [world.hr_admin.pk, Role.HR_ADMIN.value],
        )


def _marked_left_by_service(world: World) -> None:
    staff_record_mark_left(
        record=hr_record(world), left_on=None, by=world.org_admin, channel=Channel.WEB
    )


def _marked_left_by_bulk_update(world: World) -> None:
    record = hr_record(world)
    StaffRecord.objects.filter(pk=record.pk).update(status=StaffStatus.LEFT)


def _marked_left_by_import(world: World) -> None:
    hr_record(world)
    everyone_else = StaffRecord.objects.filter(organisation=world.org).exclude(staff_number="H001")
    rows = "".join(f"{r.staff_number},{r.first_name},{r.last_name},,,,,,\n" for r in everyone_else)
    header = (
        "Staff Number,First Name,Last Name,Work Email,Unit Code,Line Manager Staff Number,"
        "Contracted Days,Contracted Hours,Start Date\n"
    )
    plan = apply_import(
        organisation=world.org,
        upload=io.BytesIO((header + rows).encode()),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=1,
    )
    assert plan.counts()["mark_left"] == 1


def _account_moved_to_another_record(world: World) -> None:
    # The HR admin's account is linked to a record that has left, elsewhere in the same
    # organisation: moving the link is a change of power too.
    record = hr_record(world)
    StaffRecord.objects.filter(pk=record.pk).update(user=None)
    StaffRecord.objects.filter(pk=world.leaver_record.pk).update(user=world.hr_admin)


REVOCATIONS: dict[str, Callable[[World], None]] = {
    "role revoked on the members page": _revoke_by_service,
    "membership rows deleted in bulk": _delete_rows,
    "role changed by a bulk update": _update_rows,
    "membership deleted in raw SQL": _raw_sql,
    "marked as left by HR": _marked_left_by_service,
    "marked as left by a bulk update": _marked_left_by_bulk_update,
    "marked as left by a staff import": _marked_left_by_import,
    "account linked to a record that has left": _account_moved_to_another_record,
}


@pytest.mark.parametrize("how", REVOCATIONS)
def test_a_revoked_power_stops_on_the_very_next_request(world, how):
    client = client_for(world.hr_admin)
    assert client.get(staff_list(world)).status_code == 200
    assert client.get(staff_list(world)).status_code == 200  # now read from the cache
    before = version(world.hr_admin)
    REVOCATIONS[how](world)
    assert version(world.hr_admin) > before
    assert client.get(staff_list(world)).status_code in {403, 404}


def test_power_given_back_reaches_the_next_request_too(world):
    client = client_for(world.leaver)
    assert client.get(staff_list(world)).status_code in {403, 404}
    StaffRecord.objects.filter(pk=world.leaver_record.pk).update(status=StaffStatus.ACTIVE)
    assert client.get(staff_list(world)).status_code == 200


def test_a_lead_removed_loses_the_partnership_at_once(world):
    page = reverse("organisations:partnership_home", args=[world.partnership.slug])
    client = client_for(world.lead)
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    PartnershipLead.objects.filter(user=world.lead).delete()
    assert client.get(page).status_code in {403, 404}


def test_an_organisation_deleted_is_gone_from_its_members_next_page(world):
    client = client_for(world.outsider)
    page = reverse("organisations:home", args=[world.other_org.slug])
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    Membership.objects.filter(organisation=world.other_org).delete()
    assert client.get(page).status_code == 404


def test_an_organisation_or_partnership_renamed_shows_on_the_next_page(world):
    client = client_for(world.carer)
    page = reverse("organisations:home", args=[world.org.slug])
    assert "Home Trust" in client.get(page).text
    Organisation.objects.filter(pk=world.org.pk).update(name="Renamed Trust")
    assert "Renamed Trust" in client.get(page).text
    lead = client_for(world.lead)
    home = reverse("organisations:partnership_home", args=[world.partnership.slug])
    lead.get(home)
    Partnership.objects.filter(pk=world.partnership.pk).update(name="Renamed partnership")
    assert "Renamed partnership" in lead.get(home).text
    assert version(world.lead) > 0


def test_changes_that_decide_nothing_move_no_version(world):
    """An import rewrites names and units on many records: that must cost no user updates."""
    hr_record(world)
    before = version(world.hr_admin)
    StaffRecord.objects.filter(organisation=world.org).update(first_name="Same")
    Organisation.objects.filter(pk=world.org.pk).update(name=world.org.name)
    assert version(world.hr_admin) == before


def test_the_second_page_reads_access_from_the_cache(world):
    """The point of it: the memberships and leads queries are not run again."""
    client = client_for(world.carer)
    page = reverse("organisations:my_record", args=[world.org.slug])
    with CaptureQueriesContext(connection) as first:
        assert client.get(page).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(page).status_code == 200

    def access_reads(captured: CaptureQueriesContext) -> list[str]:
        return [
            q["sql"]
            for q in captured.captured_queries
            if 'FROM "organisations_membership"' in q["sql"]
            or 'JOIN "organisations_partnershiplead"' in q["sql"]
        ]

    assert len(access_reads(first)) >= 2
    assert access_reads(second) == []
    assert len(second) <= len(first) - 2


def test_every_trigger_is_in_place_after_all_migrations():
    """On SQLite a migration that rebuilds a table drops its triggers without a word."""
    from importlib import import_module

    migration = import_module("organisations.migrations.0017_access_version_triggers")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            wanted = {f"access_version_{name}" for name, *_rest in migration.SQLITE}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            wanted = set(re.findall(r"CREATE TRIGGER (\w+)", migration.POSTGRES))
        present = {row[0] for row in cursor.fetchall()}
    assert len(wanted) >= 7
    assert wanted <= present
