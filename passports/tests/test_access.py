"""Trust rules 1 to 3: only the carer and the manager they shared with, ever."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import StaffRecord
from passports.models import Passport
from passports.tests.helpers import agreed_passport

PASSPORT_PAGES = [
    ("passports:detail", {}),
    ("passports:edit_about", {}),
    ("passports:adjustment_new", {}),
    ("passports:review", {}),
    ("passports:conversation_new", {}),
    ("passports:version", {"number": 1}),
]


def _pages(passport: Passport) -> list[str]:
    slug = passport.staff.organisation.slug
    urls = [
        reverse(name, kwargs={"org_slug": slug, "pk": passport.pk, **extra})
        for name, extra in PASSPORT_PAGES
    ]
    adjustment = passport.adjustments.first()
    assert adjustment is not None
    urls.append(
        reverse(
            "passports:adjustment_edit",
            kwargs={"org_slug": slug, "pk": passport.pk, "adjustment_pk": adjustment.pk},
        )
    )
    return urls


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "persona", ["hr_admin", "org_admin", "champion", "sponsor", "new_manager", "outsider"]
)
def test_people_without_a_share_are_refused_every_passport_page(world, persona):
    passport = agreed_passport(world)
    client = _client(world.persona(persona))
    for url in _pages(passport):
        assert client.get(url).status_code == 404, url
    sign = reverse("passports:sign", kwargs={"org_slug": "home-org", "pk": passport.pk})
    assert client.post(sign, {"version": passport.version}).status_code == 404


def test_another_employee_is_refused(world):
    from organisations.models import Membership, Role
    from organisations.tests.factories import StaffRecordFactory, UserFactory

    colleague = UserFactory.create(email="colleague@example.org")
    Membership.objects.create(user=colleague, organisation=world.org, role=Role.EMPLOYEE)
    StaffRecordFactory.create(
        organisation=world.org, staff_number="X1", user=colleague, line_manager=world.manager_record
    )
    passport = agreed_passport(world)
    client = _client(colleague)
    for url in _pages(passport):
        assert client.get(url).status_code == 404, url


def test_the_carer_and_the_shared_manager_are_allowed(world):
    passport = agreed_passport(world)
    for user in (world.carer, world.manager):
        client = _client(user)
        for url in _pages(passport):
            if url.endswith("/about/") and user == world.manager:
                # The carer's own words are written by the carer only.
                assert client.get(url).status_code == 403
                continue
            assert client.get(url).status_code == 200, (user, url)


def test_previous_manager_is_refused_every_page_after_the_change(world):
    passport = agreed_passport(world)
    world.carer_record.line_manager = StaffRecord.objects.get(user=world.new_manager)
    world.carer_record.save()
    client = _client(world.manager)
    for url in _pages(passport):
        assert client.get(url).status_code == 404, url
    team = client.get(reverse("passports:team", kwargs={"org_slug": "home-org"}))
    assert f"/passports/{passport.pk}/" not in team.text


def test_hr_audit_log_does_not_reveal_passport_activity(world):
    agreed_passport(world)
    client = _client(world.org_admin)
    response = client.get(reverse("organisations:audit_log", kwargs={"org_slug": "home-org"}))
    assert response.status_code == 200
    assert "passport" not in response.text.lower()
