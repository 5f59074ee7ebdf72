"""Memberships through the API: who holds which role in the token's organisation."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.tests.helpers import API
from carershub.tests.personas import World
from organisations.models import Membership, Role
from organisations.tests.factories import MembershipFactory


def test_membership_list_shows_each_role_of_each_member_of_this_organisation(
    hr_api: Client, world: World
) -> None:
    page = hr_api.get(f"{API}/memberships").json()

    rows = {(item["email"], item["role"]) for item in page["items"]}
    assert page["count"] == Membership.objects.filter(organisation=world.org).count()
    assert ("hr@example.org", "hr_admin") in rows
    assert ("hr@example.org", "employee") in rows
    assert ("carer@example.org", "employee") in rows
    assert ("admin@example.org", "org_admin") in rows
    assert not any(email == "outsider@example.org" for email, _role in rows)


def test_membership_list_item_has_the_documented_fields(hr_api: Client, world: World) -> None:
    membership = Membership.objects.get(user=world.champion, role=Role.CHAMPION)
    items = hr_api.get(f"{API}/memberships", {"page_size": 100}).json()["items"]

    assert {"id": membership.pk, "email": "champion@example.org", "role": "champion"} in items


def test_membership_list_is_ordered_by_email_and_paginated(hr_api: Client, world: World) -> None:
    first = hr_api.get(f"{API}/memberships", {"page_size": 3}).json()
    second = hr_api.get(f"{API}/memberships", {"page_size": 3, "page": 2}).json()

    emails = [item["email"] for item in first["items"] + second["items"]]
    assert len(first["items"]) == 3
    assert emails == sorted(emails)


def test_another_organisations_token_sees_only_its_own_members(
    outsider_api: Client, world: World
) -> None:
    rows = {
        (item["email"], item["role"])
        for item in outsider_api.get(f"{API}/memberships").json()["items"]
    }

    assert rows == {
        ("outsider@example.org", "employee"),
        ("outsider@example.org", "hr_admin"),
        ("outsider@example.org", "org_admin"),
    }


def test_membership_list_takes_the_same_number_of_queries_for_few_or_many_members(
    hr_api: Client, world: World
) -> None:
    def count() -> int:
        hr_api.get(f"{API}/organisation")  # the token's last-used stamp is not counted
        with CaptureQueriesContext(connection) as queries:
            assert hr_api.get(f"{API}/memberships").status_code == 200
        return len(queries)

    few = count()
    MembershipFactory.create_batch(40, organisation=world.org)

    assert count() == few
