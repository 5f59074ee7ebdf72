"""HR and admin lists that grow with the organisation: units, roles and invitations
are paged without a count, members can be searched, and units are typed by code, never
offered as a drop-down of every unit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.models import Invitation, Membership, Role, StaffRecord, Unit
from organisations.selectors import memberships_matching, unit_for_code
from organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _no_count(queries: CaptureQueriesContext) -> bool:
    return not any("COUNT(" in query["sql"].upper() for query in queries)


# Units page


def test_the_units_page_shows_50_units_a_page_by_code_without_counting_them(client, world):
    # With WARD1 from the personas, 52 units: U000 to U049 on page 1, U050 and WARD1 on page 2.
    Unit.objects.bulk_create(
        Unit(organisation=world.org, code=f"U{n:03}", name=f"Unit {n}") for n in range(51)
    )
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/units/"
    client.get(url)  # warm the session and MFA check
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert _no_count(queries)
    assert ">U000<" in first
    assert ">U049<" in first
    assert ">U050<" not in first
    assert ">WARD1<" not in first
    assert "page=2" in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert ">U050<" in second
    assert ">WARD1<" in second
    assert ">U049<" not in second
    # Another organisation's unit with the same code is not listed.
    assert second.count(">WARD1<") == 1


def test_the_units_page_asks_for_the_parent_unit_code_instead_of_listing_every_unit(client, world):
    client.force_login(world.hr_admin)
    html = client.get(f"/o/{world.org.slug}/units/").content.decode()
    assert "<option" not in html
    assert 'name="parent"' in html
    assert "Part of: unit code" in html


def test_a_unit_is_added_under_a_parent_typed_by_code_in_any_case(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/units/",
        {"code": "WARD1A", "name": "Ward 1 annexe", "parent": "ward1"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(organisation=world.org, code="WARD1A")
    assert unit.parent == Unit.objects.get(organisation=world.org, code="WARD1")


@pytest.mark.parametrize("parent", ["NOPE9", "OTHER1"])
def test_an_unknown_parent_code_is_refused_and_what_was_typed_stays(client, world, parent):
    # OTHER1 exists, but in another organisation.
    Unit.objects.create(organisation=world.other_org, code="OTHER1", name="Theirs")
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/units/", {"code": "NEW1", "name": "Typed name", "parent": parent}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert f"No unit has the code {parent}." in html
    assert f'value="{parent}"' in html
    assert 'value="Typed name"' in html
    assert not Unit.objects.filter(organisation=world.org, code="NEW1").exists()


def test_a_new_unit_cannot_be_part_of_itself(client, world):
    # Units are only added on this page, never moved, so the only loop possible is a unit
    # naming its own code as its parent: that code does not exist yet, so it is refused.
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/units/", {"code": "SELF1", "name": "Self", "parent": "SELF1"}
    )
    assert response.status_code == 200
    assert "No unit has the code SELF1." in response.content.decode()
    assert not Unit.objects.filter(organisation=world.org, code="SELF1").exists()


# Unit codes


def test_an_exact_code_wins_and_a_code_in_another_case_counts_only_when_it_is_the_only_one(world):
    lower = Unit.objects.create(organisation=world.org, code="abc", name="Lower")
    upper = Unit.objects.create(organisation=world.org, code="ABC", name="Upper")
    assert unit_for_code(organisation=world.org, code="abc") == lower
    assert unit_for_code(organisation=world.org, code=" ABC ") == upper
    assert unit_for_code(organisation=world.org, code="Abc") is None
    ward = unit_for_code(organisation=world.org, code="Ward1")
    assert ward is not None
    assert ward.code == "WARD1"
    assert ward.organisation == world.org
    assert unit_for_code(organisation=world.org, code="") is None


# Staff form


def _new_staff(**changes: object) -> dict[str, object]:
    data = {
        "staff_number": "N1",
        "first_name": "Typed",
        "last_name": "Name",
        "days_per_week": "5",
        "hours_per_week": "37.5",
        "working_days": ["1", "2", "3", "4", "5"],
    }
    return {**data, **changes}


def test_the_staff_form_takes_a_unit_code_in_any_case(client, world):
    client.force_login(world.hr_admin)
    page = client.get(f"/o/{world.org.slug}/staff/new/").content.decode()
    assert "<option" not in page
    assert 'name="unit"' in page
    response = client.post(f"/o/{world.org.slug}/staff/new/", _new_staff(unit=" ward1 "))
    assert response.status_code == 302
    record = StaffRecord.objects.get(organisation=world.org, staff_number="N1")
    assert record.unit == Unit.objects.get(organisation=world.org, code="WARD1")


def test_the_staff_form_can_leave_the_unit_blank(client, world):
    client.force_login(world.hr_admin)
    response = client.post(f"/o/{world.org.slug}/staff/new/", _new_staff(unit=""))
    assert response.status_code == 302
    assert StaffRecord.objects.get(organisation=world.org, staff_number="N1").unit is None


@pytest.mark.parametrize("code", ["NOPE9", "OTHER1"])
def test_the_staff_form_refuses_an_unknown_unit_code_and_keeps_what_was_typed(client, world, code):
    Unit.objects.create(organisation=world.other_org, code="OTHER1", name="Theirs")
    client.force_login(world.hr_admin)
    response = client.post(f"/o/{world.org.slug}/staff/new/", _new_staff(unit=code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert f"No unit has the code {code}." in html
    assert f'value="{code}"' in html
    assert 'value="Typed"' in html
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="N1").exists()


def test_the_staff_form_says_when_a_code_in_another_case_could_mean_two_units(client, world):
    Unit.objects.create(organisation=world.org, code="abc", name="Lower")
    Unit.objects.create(organisation=world.org, code="ABC", name="Upper")
    client.force_login(world.hr_admin)
    html = client.post(f"/o/{world.org.slug}/staff/new/", _new_staff(unit="Abc")).content.decode()
    assert "govuk-error-summary" in html
    assert "More than one unit has the code Abc in different capitals, such as ABC and abc." in html
    assert 'value="Abc"' in html
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="N1").exists()
    # Typed exactly, either is taken.
    assert client.post(f"/o/{world.org.slug}/staff/new/", _new_staff(unit="abc")).status_code == 302


def test_the_edit_form_shows_the_current_unit_code_and_a_change_of_unit_is_saved(client, world):
    Unit.objects.create(organisation=world.org, code="WARD2", name="Ward 2")
    record = world.carer_record
    url = f"/o/{world.org.slug}/staff/{record.pk}/edit/"
    client.force_login(world.hr_admin)
    html = client.get(url).content.decode()
    box = re.search(r'<input[^>]*name="unit"[^>]*>', html)
    assert box is not None, html
    assert 'value="WARD1"' in box.group(0)
    data = {
        "staff_number": record.staff_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "work_email": record.work_email,
        "unit": "ward2",
        "line_manager": record.line_manager.staff_number,
        "days_per_week": record.days_per_week,
        "hours_per_week": record.hours_per_week,
        "working_days": list(record.working_days),
        "version": record.version,
    }
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.unit.code == "WARD2"


# Roles page


def _members_in_order(world) -> list[Membership]:
    return list(memberships_matching(organisation=world.org))


def test_the_roles_page_shows_50_a_page_by_email_without_counting_them(client, world):
    for n in range(51):
        user = UserFactory.create(email=f"bulk{n:03}@example.org")
        Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
    ordered = _members_in_order(world)
    assert len(ordered) > 51
    fiftieth, fifty_first = ordered[49], ordered[50]
    client.force_login(world.org_admin)
    url = f"/o/{world.org.slug}/members/"
    client.get(url)  # warm the session and MFA check
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert _no_count(queries)
    assert f"/members/{fiftieth.pk}/remove/" in first
    assert f"/members/{fifty_first.pk}/remove/" not in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert f"/members/{fifty_first.pk}/remove/" in second
    assert f"/members/{fiftieth.pk}/remove/" not in second


def test_the_roles_page_searches_the_start_of_an_email_or_a_name_in_any_case(client, world):
    zeb = UserFactory.create(email="zq@example.org", first_name="Zebedee", last_name="Quill")
    zeb_role = Membership.objects.create(user=zeb, organisation=world.org, role=Role.CHAMPION)
    theirs = UserFactory.create(email="zeb@example.org", first_name="Zebedee", last_name="Other")
    their_role = Membership.objects.create(
        user=theirs, organisation=world.other_org, role=Role.EMPLOYEE
    )
    client.force_login(world.org_admin)
    url = f"/o/{world.org.slug}/members/"
    for typed in ("ZQ@EX", "zeb", "QUILL", "zebedee quill"):
        html = client.get(url, {"q": typed}).content.decode()
        assert f"/members/{zeb_role.pk}/remove/" in html, typed
        assert f"/members/{their_role.pk}/remove/" not in html, typed
        assert "carer@example.org" not in html, typed
        assert f'value="{typed}"' in html, typed
    # The start of an email address, not the middle of one.
    html = client.get(url, {"q": "example.org"}).content.decode()
    assert f"/members/{zeb_role.pk}/remove/" not in html
    assert "Nobody with a role here matches your search." in html


def test_the_roles_pager_keeps_the_search(client, world):
    for n in range(51):
        user = UserFactory.create(email=f"bulk{n:03}@example.org")
        Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
    client.force_login(world.org_admin)
    html = client.get(f"/o/{world.org.slug}/members/", {"q": "bulk"}).content.decode()
    assert "bulk049@example.org" in html
    assert "bulk050@example.org" not in html
    assert "q=bulk&amp;page=2" in html


# Invitations


def test_every_pending_invitation_can_be_reached_50_a_page_newest_first(client, world):
    expires = timezone.now() + timedelta(days=14)
    invitations = [
        Invitation.objects.create(
            organisation=world.org,
            email=f"invited{n:03}@example.org",
            role=Role.EMPLOYEE,
            token_hash=f"{n:064}",
            expires_at=expires,
        )
        for n in range(51)
    ]
    oldest, second_oldest = invitations[0], invitations[1]
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/invite/"
    client.get(url)  # warm the session and MFA check
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert _no_count(queries)
    assert f"/invite/{second_oldest.pk}/withdraw/" in first
    assert f"/invite/{oldest.pk}/withdraw/" not in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert f"/invite/{oldest.pk}/withdraw/" in second
    assert f"/invite/{second_oldest.pk}/withdraw/" not in second
    # The oldest can now be withdrawn.
    assert client.post(f"/o/{world.org.slug}/invite/{oldest.pk}/withdraw/").status_code == 302
