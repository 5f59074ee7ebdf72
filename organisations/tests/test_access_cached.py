"""Issue 19: a person's organisations, roles and leads are kept across requests under the
``access_version`` the database moves on every change (organisations migration 0017). The
sweep below changes power every way it can change, most of them ways no Django signal
sees, and each change must reach the very next request."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.models import Channel
from carershub.tests.personas import TOTP_SECRET, World
from organisations.access_version import install, remove, trigger_names
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffRecord,
    StaffStatus,
)
from organisations.selectors import led_partnerships, member_organisation, roles_in
from organisations.services import (
    membership_grant,
    membership_revoke,
    partnership_lead_appoint,
    staff_record_mark_left,
)
from organisations.staff_import import apply_import
from organisations.tests.factories import StaffRecordFactory

# Transactions really commit here: the access read by a request is kept only once committed.
pytestmark = pytest.mark.django_db(transaction=True)


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


def test_an_organisation_or_partnership_renamed_shows_on_the_next_page(world):
    client = client_for(world.carer)
    page = reverse("organisations:home", args=[world.org.slug])
    assert "Home Trust" in client.get(page).text
    Organisation.objects.filter(pk=world.org.pk).update(name="Renamed Trust")
    assert "Renamed Trust" in client.get(page).text
    lead = client_for(world.lead)
    home = reverse("organisations:partnership_home", args=[world.partnership.slug])
    lead.get(home)
    before = version(world.lead)
    Partnership.objects.filter(pk=world.partnership.pk).update(name="Renamed partnership")
    assert version(world.lead) > before
    fresh = User.objects.get(pk=world.lead.pk)
    assert [p.name for p in led_partnerships(user=fresh)] == ["Renamed partnership"]


def test_an_organisation_moved_to_another_partnership_moves_its_members(world):
    before = version(world.carer)
    Organisation.objects.filter(pk=world.org.pk).update(partnership=None)
    assert version(world.carer) > before
    fresh = User.objects.get(pk=world.carer.pk)
    found = member_organisation(user=fresh, slug=world.org.slug)
    assert found is not None
    assert found.partnership is None


def test_an_organisation_deleted_is_gone_from_its_members_next_page(world):
    client = client_for(world.outsider)
    page = reverse("organisations:home", args=[world.other_org.slug])
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    Organisation.objects.get(pk=world.other_org.pk).delete()
    assert client.get(page).status_code == 404


def test_power_given_reaches_the_next_request(world):
    client = client_for(world.carer)
    assert client.get(staff_list(world)).status_code in {403, 404}
    membership_grant(
        user=world.carer,
        organisation=world.org,
        role=Role.CHAMPION,
        by=world.org_admin,
        channel=Channel.WEB,
    )
    Membership.objects.create(user=world.carer, organisation=world.org, role=Role.HR_ADMIN)
    TOTP.activate(world.carer, TOTP_SECRET)
    assert client.get(staff_list(world)).status_code == 200
    page = reverse("organisations:partnership_home", args=[world.partnership.slug])
    assert client.get(page).status_code in {403, 404}
    partnership_lead_appoint(
        user=world.carer, partnership=world.partnership, by=None, channel=Channel.WEB
    )
    assert client.get(page).status_code == 200


def test_a_record_that_has_left_moved_or_deleted_gives_power_back(world):
    record = hr_record(world)
    StaffRecord.objects.filter(pk=record.pk).update(status=StaffStatus.LEFT)
    client = client_for(world.hr_admin)
    assert client.get(staff_list(world)).status_code in {403, 404}
    StaffRecord.objects.filter(pk=record.pk).update(organisation=world.other_org)
    assert client.get(staff_list(world)).status_code == 200
    StaffRecord.objects.filter(pk=record.pk).update(organisation=world.org)
    assert client.get(staff_list(world)).status_code in {403, 404}
    StaffRecord.objects.filter(pk=record.pk).delete()
    assert client.get(staff_list(world)).status_code == 200


def test_saving_a_user_read_before_a_change_never_takes_the_version_back(world):
    stale = User.objects.get(pk=world.hr_admin.pk)
    client = client_for(world.hr_admin)
    assert client.get(staff_list(world)).status_code == 200
    _delete_rows(world)
    stale.first_name = "Renamed"
    stale.save()  # every column, the old version with them (as a password change does)
    assert User.objects.get(pk=world.hr_admin.pk).first_name == "Renamed"
    assert version(world.hr_admin) > stale.access_version
    assert client.get(staff_list(world)).status_code in {403, 404}


def test_power_read_inside_a_transaction_that_is_rolled_back_is_never_kept(world):
    class RolledBack(Exception):
        pass

    @transaction.atomic
    def grant_read_and_fail() -> None:
        Membership.objects.create(user=world.carer, organisation=world.org, role=Role.HR_ADMIN)
        fresh = User.objects.get(pk=world.carer.pk)
        assert Role.HR_ADMIN in roles_in(user=fresh, organisation=world.org)
        raise RolledBack

    with pytest.raises(RolledBack):
        grant_read_and_fail()
    # Something else moves the carer's version to the number the rolled-back grant had.
    Organisation.objects.filter(pk=world.org.pk).update(name="Renamed Trust")
    fresh = User.objects.get(pk=world.carer.pk)
    assert Role.HR_ADMIN not in roles_in(user=fresh, organisation=world.org)


def test_changes_that_decide_nothing_move_no_version(world):
    """An import rewrites names and units on many records: that must cost no user updates."""
    hr_record(world)
    before = version(world.hr_admin)
    StaffRecord.objects.filter(organisation=world.org).update(first_name="Same")
    Organisation.objects.filter(pk=world.org.pk).update(name=world.org.name)
    for membership in Membership.objects.filter(user=world.hr_admin):
        membership.save()  # saved unchanged, as a form sent back unchanged may
    for lead in PartnershipLead.objects.all():
        lead.save()
    world.org.save()
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
    """On SQLite the triggers are dropped before each migrate and made again after it."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        present = {row[0] for row in cursor.fetchall()}
    wanted = set(trigger_names(connection.vendor))
    assert len(wanted) >= 8
    assert wanted <= present


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_tables_can_still_be_rebuilt_with_the_triggers_out_of_the_way(world):
    """A trigger naming a table stops SQLite's rebuild of another; ``migrate`` takes them out
    first (organisations.apps) and puts them back after, as this does."""
    probe = models.BooleanField(default=False)
    probe.set_attributes_from_name("probe")
    remove(connection)
    with connection.schema_editor() as editor:
        editor.add_field(Membership, probe)
        editor.remove_field(Membership, probe)
    install(connection)
    before = version(world.hr_admin)
    _delete_rows(world)
    assert version(world.hr_admin) > before
