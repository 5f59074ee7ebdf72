"""A deployment admin (superuser) gets no shortcut into organisations (trust rule 1)."""

import pytest

from organisations.models import Membership, Role
from organisations.tests.factories import UserFactory


@pytest.fixture
def superuser(world):
    user = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
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


def test_roles_given_in_the_django_admin_are_audited_and_re_ask_for_mfa(client, world, superuser):
    from audit.models import AuditEvent

    client.force_login(superuser)
    stamp = world.carer.role_stamp
    response = client.post(
        "/admin/organisations/membership/add/",
        {"user": world.carer.pk, "organisation": world.org.pk, "role": "hr_admin"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Membership.objects.filter(user=world.carer, role=Role.HR_ADMIN).exists()
    assert AuditEvent.objects.filter(
        object_type="organisations.membership", summary__contains="HR admin"
    ).exists()
    world.carer.refresh_from_db()
    assert world.carer.role_stamp == stamp + 1


def test_a_superuser_made_in_the_django_admin_is_asked_for_mfa_mid_session(
    client, world, superuser
):
    from django.test import Client

    from accounts.models import User

    carer = Client()
    carer.force_login(world.carer)
    assert carer.get(f"/o/{world.org.slug}/").status_code == 200
    stamp = User.objects.get(pk=world.carer.pk).role_stamp
    client.force_login(superuser)
    url = f"/admin/accounts/user/{world.carer.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "password"
    }
    data.update(is_superuser="on", is_active="on", user_permissions=[], groups=[])
    for name in ("last_login", "date_joined"):
        value = form.initial.get(name)
        data.pop(name, None)
        if value:
            data[f"{name}_0"], data[f"{name}_1"] = (
                value.date().isoformat(),
                value.strftime("%H:%M:%S"),
            )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=world.carer.pk).is_superuser
    assert User.objects.get(pk=world.carer.pk).role_stamp == stamp + 1
    response = carer.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_staff_records_are_read_only_in_the_django_admin(client, world, superuser):
    client.force_login(superuser)
    url = f"/admin/organisations/staffrecord/{world.carer_record.pk}/change/"
    response = client.post(url, {"first_name": "Changed"})
    assert response.status_code in (302, 403) or "Changed" not in response.content.decode()
    world.carer_record.refresh_from_db()
    assert world.carer_record.first_name != "Changed"


def test_removing_the_last_organisation_admin_in_the_django_admin_is_refused_politely(
    client, world, superuser
):
    admin_membership = Membership.objects.get(
        user=world.org_admin, organisation=world.org, role=Role.ORG_ADMIN
    )
    client.force_login(superuser)
    response = client.post(
        f"/admin/organisations/membership/{admin_membership.pk}/delete/",
        {"post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
