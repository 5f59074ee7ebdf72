"""A deployment admin (superuser) gets no shortcut into organisations (trust rule 1)."""

import pytest

from organisations.models import Membership, Role
from organisations.tests.factories import UserFactory


@pytest.fixture
def superuser(world):
    user = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    from allauth.mfa.totp.internal.auth import TOTP

    from carershub.tests.personas import TOTP_SECRET

    TOTP.activate(user, TOTP_SECRET)
    Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
    return user


@pytest.mark.parametrize(
    "path", ["staff/", "staff/import/", "members/", "audit/", "api-tokens/", "leave/policy/"]
)
def test_a_superuser_who_is_only_an_employee_gets_no_hr_pages(client, world, superuser, path):
    client.force_login(superuser)
    assert client.get(f"/o/{world.org.slug}/{path}").status_code == 403


def test_a_superuser_cannot_open_another_organisation_or_partnership(client, world, superuser):
    client.force_login(superuser)
    assert client.get(f"/o/{world.other_org.slug}/").status_code == 404
    assert client.get(f"/p/{world.org.partnership.slug}/").status_code == 404


def test_a_superuser_keeps_the_django_admin(client, world, superuser):
    client.force_login(superuser)
    assert client.get("/admin/organisations/organisation/").status_code == 200
