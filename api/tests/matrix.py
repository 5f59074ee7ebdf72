"""API token pages and the API's own operations in the permission matrix
(carershub/tests/test_permission_matrix.py): the organisation, its staff and its roles."""

from __future__ import annotations

from dataclasses import replace

from carershub.tests.matrix_kit import (
    EVERYONE,
    HR,
    MEMBERS,
    ORG_ADMIN,
    Spec,
    action,
    api,
    page,
)

NEW_STAFF = {"staff_number": "NEW1", "first_name": "New", "last_name": "Starter"}

MATRIX: dict[str, Spec] = {
    "api:token_list": page(HR),
    "api:token_revoke": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
    # Personal API tokens: everyone's own, and nobody else's (an HR token is not one).
    "api:personal_tokens": page(MEMBERS, foreign_outsider=200),
    "api:personal_token_revoke": replace(
        action((), lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
        role_first=False,
        foreign_outsider=404,
    )
    | dict.fromkeys(MEMBERS, 404),
    # The API's description is public; its root is no page.
    "api-v1:openapi-json": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "api-v1:api-root": Spec("GET", dict.fromkeys(EVERYONE, 404)),
    # API: the token decides the organisation.
    "api-v1:get_organisation": api("GET", MEMBERS, 200),
    "api-v1:list_units": api("GET", HR, 200),
    "api-v1:create_unit": api("POST", HR, 201, data={"code": "NEWUNIT", "name": "New unit"}),
    "api-v1:list_staff": api("GET", HR, 200),
    "api-v1:create_staff": api("POST", HR, 201, data=NEW_STAFF),
    "api-v1:get_staff": api("GET", HR, 200, kwargs=lambda t: {"staff_id": t.staff.pk}, cross=True),
    "api-v1:update_staff": api(
        "PATCH",
        HR,
        200,
        kwargs=lambda t: {"staff_id": t.staff.pk},
        data={"first_name": "Changed"},
        cross=True,
    ),
    "api-v1:mark_staff_left": api(
        "POST", HR, 200, kwargs=lambda t: {"staff_id": t.staff.pk}, data={}, cross=True
    ),
    "api-v1:list_memberships": api("GET", HR, 200),
    # The outsider's own organisation has no carer@example.org to give a role to: 422.
    "api-v1:grant_membership": api(
        "POST", ORG_ADMIN, 201, data={"email": "carer@example.org", "role": "champion"}
    )
    | {"outsider": 422},
    "api-v1:revoke_membership": api(
        "DELETE", ORG_ADMIN, 204, kwargs=lambda t: {"membership_id": t.membership.pk}, cross=True
    ),
}
