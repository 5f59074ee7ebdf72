"""Single sign-on through each organisation's own OpenID Connect provider, against a real
provider on this machine (carershub/tests/oidc.py)."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.test import Client

from audit.models import AuditEvent, Channel
from carershub.tests.oidc import OidcProvider
from carershub.tests.personas import World
from organisations.models import Organisation, SignOn
from organisations.sign_on.services import SignOnSettings, sign_on_save

SECRET = "a-client-secret-of-some-length"


def _set_up(
    world: World,
    oidc: OidcProvider,
    organisation: Organisation | None = None,
    *,
    domains: tuple[str, ...] = ("example.org",),
    required: bool = False,
) -> SignOn:
    organisation = organisation or world.org
    sign_on, _changed = sign_on_save(
        organisation=organisation,
        settings=SignOnSettings(
            server_url=oidc.issuer,
            client_id=f"hub-{organisation.slug}",
            client_secret=SECRET,
            email_domains=domains,
            required=required,
        ),
        by=world.hr_admin if organisation == world.org else world.outsider,
        channel=Channel.WEB,
    )
    oidc.add_client(
        client_id=f"hub-{organisation.slug}",
        client_secret=SECRET,
        provider_id=sign_on.app.provider_id,
    )
    return sign_on


def _start(client: Client, email: str, oidc: OidcProvider) -> object:
    oidc.start()
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content[:500]
    return response


def test_a_current_member_signs_in_through_their_organisations_provider(world, oidc_provider):
    sign_on = _set_up(world, oidc_provider)
    oidc_provider.set_account("carer-at-idp", email="c001@example.org", email_verified=True)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "c001@example.org", oidc_provider), login="carer-at-idp"
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == world.carer.pk
    linked = SocialAccount.objects.get(user=world.carer)
    assert (linked.provider, linked.uid) == (sign_on.app.provider_id, "carer-at-idp")
    assert AuditEvent.objects.filter(
        organisation_id=world.org.pk, object_type="socialaccount.socialaccount"
    ).exists()

    # The next time, the provider's subject finds the account, whatever the address says.
    oidc_provider.set_account("carer-at-idp", email="renamed@example.org", email_verified=True)
    again = Client()
    response = oidc_provider.sign_in(
        again, _start(again, "c001@example.org", oidc_provider), login="carer-at-idp"
    )
    assert int(again.session["_auth_user_id"]) == world.carer.pk
