"""Organisation pages in the permission matrix (carershub/tests/test_permission_matrix.py)."""

from __future__ import annotations

from carershub.tests.matrix_kit import (
    ANON,
    EVERYONE,
    HR,
    MEMBERS,
    ORG_ADMIN,
    Spec,
    action,
    page,
    staff,
)

MATRIX: dict[str, Spec] = {
    "organisations:invitation_accept": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-token"}
    ),
    "organisations:partnership_home": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": 200},
        lambda t: {"slug": t.partnership.slug},
    ),
    # A deployment admin's (an active superuser who gave their second factor): no persona is
    # one, so every one of them is refused (organisations/tests/test_setup_import_pages.py).
    "organisations:setup_import": Spec("GET", {**dict.fromkeys(EVERYONE, 403), ANON: 302}),
    "organisations:setup_confirm": Spec("POST", {**dict.fromkeys(EVERYONE, 403), ANON: 302}),
    # Organisation pages.
    "organisations:home": page(MEMBERS) | {"leaver": 200},
    "organisations:my_record": page(MEMBERS) | {"leaver": 200},
    "organisations:my_team": page(MEMBERS),
    "organisations:staff_list": page(HR),
    "organisations:staff_create": page(HR),
    "organisations:staff_detail": page(HR, kwargs=staff, cross=True),
    "organisations:staff_edit": page(HR, kwargs=staff, cross=True),
    "organisations:staff_mark_left": page(HR, kwargs=staff, cross=True),
    "organisations:import_upload": page(HR),
    "organisations:import_preview": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "organisations:import_confirm": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}
    ),
    "organisations:import_discard": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}
    ),
    "organisations:import_status": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "organisations:unit_list": page(HR),
    "organisations:invite": page(HR),
    "organisations:invitation_revoke": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.invitation.pk}
    ),
    "organisations:invite_everyone": page(HR),
    "organisations:invitation_batch": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.invitation_batch.pk}, cross=True
    ),
    "organisations:invitation_batch_stop": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.invitation_batch.pk}
    ),
    "organisations:invitation_batch_continue": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.invitation_batch.pk}
    ),
    "organisations:members": page(ORG_ADMIN),
    "organisations:member_remove": action(
        ORG_ADMIN, lambda t: {"org_slug": t.org.slug, "pk": t.membership.pk}
    ),
    "organisations:audit_log": page(ORG_ADMIN),
    "organisations:language": page(ORG_ADMIN),
    "organisations:sign_on": page(HR),
    # Single sign-on: the step to an organisation's provider is open to all; allauth's own
    # sign-in and return addresses know no provider of this name.
    "organisations:sign_on_start": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    # An organisation's own sign-in link goes on here; an unknown provider is not found.
    "organisations:sign_on_link": Spec(
        "POST", dict.fromkeys(EVERYONE, 404), lambda t: {"provider_id": "no-such-provider"}
    ),
    "openid_connect_login": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"provider_id": "org-unknown"}
    ),
    "openid_connect_callback": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"provider_id": "org-unknown"}
    ),
}
