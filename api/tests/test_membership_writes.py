from api.services import api_token_create
from audit.models import AuditEvent, Channel
from organisations.models import Membership, Role


def _token(user, org):
    return api_token_create(user=user, organisation=org, name="t", channel=Channel.WEB)[1]


def test_an_org_admin_gives_a_role_to_a_colleague_and_takes_it_away(client, world):
    auth = {"Authorization": f"Bearer {_token(world.org_admin, world.org)}"}
    response = client.post(
        "/api/v1/memberships",
        {"email": "CARER@example.org", "role": "champion"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201
    assert response.json()["role"] == "champion"
    membership = Membership.objects.get(
        user=world.carer, organisation=world.org, role=Role.CHAMPION
    )
    assert AuditEvent.objects.filter(
        object_type="organisations.membership", channel=Channel.API
    ).exists()

    response = client.delete(f"/api/v1/memberships/{membership.pk}", headers=auth)
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_role_cannot_be_given_to_someone_outside_the_organisation(client, world):
    auth = {"Authorization": f"Bearer {_token(world.org_admin, world.org)}"}
    response = client.post(
        "/api/v1/memberships",
        {"email": "outsider@example.org", "role": "hr_admin"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_data"
    assert not Membership.objects.filter(user=world.outsider, organisation=world.org).exists()


def test_the_last_organisation_admin_cannot_be_removed(client, world):
    auth = {"Authorization": f"Bearer {_token(world.org_admin, world.org)}"}
    # The leaver still holds the role, but no power: world.org_admin is the last admin.
    only_admin = Membership.objects.get(
        user=world.org_admin, organisation=world.org, role=Role.ORG_ADMIN
    )
    response = client.delete(f"/api/v1/memberships/{only_admin.pk}", headers=auth)
    assert response.status_code == 422
    assert Membership.objects.filter(pk=only_admin.pk).exists()


def test_hr_admins_cannot_change_roles_through_the_api(client, world):
    auth = {"Authorization": f"Bearer {_token(world.hr_admin, world.org)}"}
    response = client.post(
        "/api/v1/memberships",
        {"email": "carer@example.org", "role": "org_admin"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 403
