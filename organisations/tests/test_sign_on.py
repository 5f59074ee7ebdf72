"""Single sign-on through each organisation's own OpenID Connect provider, against a real
provider on this machine (carershub/tests/oidc.py)."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent, Channel
from carershub.tests.oidc import OidcProvider
from carershub.tests.personas import World
from organisations.invitations import invitation_send, invitation_token
from organisations.models import Invitation, Organisation, Role, SignOn, StaffRecord
from organisations.sign_on.forms import issuer_address
from organisations.sign_on.services import SignOnSettings, sign_on_save
from organisations.tests.factories import UserFactory
from shared.writes import EditConflict

SECRET = "a-client-secret-of-some-length"


def _deployment_admin() -> User:
    """Only a deployment's administrators choose an organisation's provider."""
    return User.objects.filter(is_superuser=True).first() or UserFactory.create(
        email="deployment.admin@example.net", is_superuser=True, is_staff=True
    )


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
        by=_deployment_admin(),
        channel=Channel.WEB,
    )
    oidc.add_client(
        client_id=f"hub-{organisation.slug}",
        client_secret=SECRET,
        provider_id=sign_on.app.provider_id,
    )
    return sign_on


def _member_at(organisation: Organisation, email: str) -> None:
    """Someone whose account's address proves that the organisation uses its domain."""
    from organisations.models import Membership, Role
    from organisations.tests.factories import UserFactory

    Membership.objects.create(
        user=UserFactory.create(email=email), organisation=organisation, role=Role.EMPLOYEE
    )


def _start(client: Client, email: str, oidc: OidcProvider) -> object:
    oidc.start()
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 200, response.content[:500]
    assert "data-provider-location" in response.content.decode()
    return response


def test_a_current_member_signs_in_through_their_organisations_provider(world, oidc_provider):
    sign_on = _set_up(world, oidc_provider)
    oidc_provider.set_account("carer-at-idp", email="carer@example.org", email_verified=True)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="carer-at-idp"
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
        again, _start(again, "carer@example.org", oidc_provider), login="carer-at-idp"
    )
    assert int(again.session["_auth_user_id"]) == world.carer.pk


def _refused(response: object, words: str) -> None:
    assert response.status_code == 403  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "You cannot sign in this way" in html
    assert words in html


def test_an_unverified_email_gets_no_access(world, oidc_provider):
    _set_up(world, oidc_provider)
    oidc_provider.set_account("carer-at-idp", email="carer@example.org", email_verified=False)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="carer-at-idp"
    )
    _refused(response, "did not confirm your email address")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_an_email_missing_the_verified_claim_gets_no_access(world, oidc_provider):
    _set_up(world, oidc_provider)
    oidc_provider.set_account("carer-at-idp", email="carer@example.org")
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="carer-at-idp"
    )
    _refused(response, "did not confirm your email address")
    assert not SocialAccount.objects.exists()


def test_entra_ids_domain_owner_claim_stands_in_for_a_missing_email_verified(world, oidc_provider):
    _set_up(world, oidc_provider)
    oidc_provider.set_account("entra-carer", email="carer@example.org", xms_edov=True)
    oidc_provider.set_account(
        "says-no", email="carer@example.org", email_verified=False, xms_edov=True
    )
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="says-no"
    )
    _refused(response, "did not confirm your email address")
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="entra-carer"
    )
    assert int(client.session["_auth_user_id"]) == world.carer.pk


def test_each_provider_speaks_only_for_its_own_organisation(world, oidc_provider):
    """Each organisation has a member signing in at example.org; an
    address of the other organisation's member reaches nobody through this one's provider."""
    _member_at(world.org, "someone@home.example")
    _member_at(world.other_org, "someone@other.example")
    home = _set_up(world, oidc_provider, domains=("home.example",))
    other = _set_up(world, oidc_provider, world.other_org, domains=("other.example",))
    oidc_provider.set_account(
        "outsider-at-home-idp", email="outsider@example.org", email_verified=True
    )
    oidc_provider.set_account("c001-at-idp", email="outsider@example.org", email_verified=True)

    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "someone@home.example", oidc_provider), login="outsider-at-home-idp"
    )
    _refused(response, "no current account at Home Trust")
    assert "_auth_user_id" not in client.session

    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "x@other.example", oidc_provider), login="c001-at-idp"
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Linked to the other organisation's own c001, who as an HR admin gives their code next.
    assert SocialAccount.objects.get(provider=other.app.provider_id).user == world.outsider
    assert not SocialAccount.objects.filter(provider=home.app.provider_id).exists()


def test_a_leaver_gets_no_access(world, oidc_provider):
    _set_up(world, oidc_provider)
    oidc_provider.set_account("leaver-at-idp", email="leaver@example.org", email_verified=True)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "leaver@example.org", oidc_provider), login="leaver-at-idp"
    )
    _refused(response, "says you have left")
    assert "_auth_user_id" not in client.session


def test_someone_linked_before_gets_no_access_once_marked_as_left(world, oidc_provider):
    from organisations.models import StaffStatus

    _set_up(world, oidc_provider)
    oidc_provider.set_account("carer-at-idp", email="carer@example.org", email_verified=True)
    client = Client()
    oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="carer-at-idp"
    )
    assert int(client.session["_auth_user_id"]) == world.carer.pk

    world.carer_record.status = StaffStatus.LEFT
    world.carer_record.save()
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "carer@example.org", oidc_provider), login="carer-at-idp"
    )
    _refused(response, "says you have left")
    assert "_auth_user_id" not in client.session


def test_a_stranger_gets_no_account(world, oidc_provider):
    from accounts.models import User

    _set_up(world, oidc_provider)
    oidc_provider.set_account("new-at-idp", email="newcomer@example.org", email_verified=True)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "newcomer@example.org", oidc_provider), login="new-at-idp"
    )
    _refused(response, "ask HR to invite you")
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_an_hr_admin_signing_in_through_the_provider_is_still_asked_for_their_code(
    world, oidc_provider
):
    _set_up(world, oidc_provider)
    oidc_provider.set_account("hr-at-idp", email="hr@example.org", email_verified=True)
    client = Client()
    response = oidc_provider.sign_in(
        client, _start(client, "hr@example.org", oidc_provider), login="hr-at-idp"
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_an_address_no_single_organisation_claims_is_sent_nowhere(world, oidc_provider):
    _member_at(world.org, "ann@nhs.net")
    _member_at(world.other_org, "bob@nhs.net")
    _set_up(world, oidc_provider, domains=("nhs.net",))
    _set_up(world, oidc_provider, world.other_org, domains=("nhs.net",))
    oidc_provider.start()
    client = Client()
    for email in ("someone@nhs.net", "someone@elsewhere.example"):
        response = client.post("/accounts/sso/", {"email": email})
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert "Use the sign-in link your organisation gave you" in html
        assert f'value="{email}"' in html


# --- Organisations that require single sign-on -------------------------------------------


@pytest.fixture
def required(world, oidc_provider) -> SignOn:
    return _set_up(world, oidc_provider, required=True)


def test_password_sign_in_is_refused_to_staff_of_an_organisation_that_requires_it(
    client, world, required
):
    cache.clear()
    response = client.post(
        "/accounts/login/", {"login": "carer@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Home Trust signs its staff in with its own account" in html
    assert "_auth_user_id" not in client.session
    # A wrong password is told only that it is wrong.
    response = client.post("/accounts/login/", {"login": "carer@example.org", "password": "wrong"})
    assert "signs its staff in" not in response.content.decode()
    # Someone who has left keeps their password, for their own records.
    response = client.post(
        "/accounts/login/", {"login": "leaver@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    cache.clear()


def test_other_organisations_staff_keep_their_password(client, world, required):
    response = client.post(
        "/accounts/login/", {"login": "outsider@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_a_deployment_admin_keeps_password_and_second_factor(client, world, required):
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

    from accounts.models import User
    from carershub.tests.personas import TOTP_SECRET
    from organisations.models import Membership, Role

    admin = User.objects.create_superuser("root@example.org", "correct horse battery")
    TOTP.activate(admin, TOTP_SECRET)
    Membership.objects.create(user=admin, organisation=world.org, role=Role.EMPLOYEE)
    response = client.post(
        "/accounts/login/", {"login": "root@example.org", "password": "correct horse battery"}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post(
        "/accounts/2fa/authenticate/",
        {"code": format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == admin.pk


def test_password_reset_sends_the_way_to_sign_in_instead_of_a_link(
    client, world, required, smtp_sink
):
    response = client.post("/accounts/password/reset/", {"email": "carer@example.org"})
    assert response.status_code == 302  # the same answer as for anyone
    (message,) = smtp_sink
    body = message.as_string()
    assert "/accounts/password/reset/key/" not in body
    assert "signs its staff in with its own account" in body


def test_a_reset_link_sent_before_it_was_required_sets_no_password(
    client, world, oidc_provider, smtp_sink
):
    import re

    client.post("/accounts/password/reset/", {"email": "carer@example.org"})
    (message,) = smtp_sink
    body = message.get_payload(decode=True) or message.get_payload()[0].get_payload(decode=True)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body.decode())
    assert link is not None
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)

    _set_up(world, oidc_provider, required=True)
    response = client.post(
        form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    assert response.status_code == 200
    assert "signs its staff in with its own account" in response.content.decode()
    world.carer.refresh_from_db()
    assert world.carer.check_password("correct horse battery")


# --- The configuration page ----------------------------------------------------------------


def _page(world: World) -> str:
    return f"/o/{world.org.slug}/sign-in/"


FORM = {
    "server_url": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "00000000-1111-2222-3333-444444444444",
    "client_secret": "first-secret-value-0001",
    "email_domains": "Example.org, @example.org",
    "required": "on",
    "version": "0",
}


def _provider_by_deployment_admin(world: World) -> SignOn:
    sign_on, _changed = sign_on_save(
        organisation=world.org,
        settings=SignOnSettings(
            server_url=FORM["server_url"],
            client_id=FORM["client_id"],
            client_secret=FORM["client_secret"],
            email_domains=("example.org",),
            required=False,
        ),
        by=_deployment_admin(),
        channel=Channel.WEB,
    )
    return sign_on


def test_hr_cannot_choose_the_provider_and_the_secret_is_never_shown_back(client, world):
    """Whoever chooses the provider can have it vouch for anyone: HR choosing it could sign in
    as a carer and read their passport. Only a deployment admin sets it up or changes it."""
    client.force_login(world.hr_admin)
    response = client.post(_page(world), FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Only your deployment&#x27;s administrators can set up single sign-on" in html
    assert f'value="{FORM["client_id"]}"' in html
    assert not SignOn.objects.exists()

    sign_on = _provider_by_deployment_admin(world)
    html = client.get(_page(world)).content.decode()
    assert FORM["client_secret"] not in html
    assert re.search(r'<input[^>]*name="version"[^>]*value="1"', html)
    assert "A secret is saved" in html
    callback = f"/accounts/oidc/{sign_on.app.provider_id}/login/callback/"
    assert f"http://testserver{callback}" in html
    # HR may not move it to another provider either.
    moved = {**FORM, "server_url": "https://idp.elsewhere.example", "client_secret": ""}
    response = client.post(_page(world), {**moved, "version": "1"})
    assert "Only your deployment&#x27;s administrators" in response.content.decode()
    assert SignOn.objects.get().app.settings["server_url"] == FORM["server_url"]

    (event,) = AuditEvent.objects.filter(object_type="organisations.signon")
    assert event.organisation_id == world.org.pk
    assert FORM["client_secret"] not in str(event.changes) + event.summary
    client.force_login(world.org_admin)
    assert "Set up single sign-on" in client.get(f"/o/{world.org.slug}/audit/").content.decode()


def test_saving_it_unchanged_changes_nothing_and_an_empty_secret_keeps_the_saved_one(client, world):
    _provider_by_deployment_admin(world)
    client.force_login(world.hr_admin)
    # As the page sends it back: the secret box empty, the version it was opened on.
    again = {**FORM, "client_secret": "", "email_domains": "example.org", "version": "1"}
    again.pop("required")
    response = client.post(_page(world), again, follow=True)
    assert "Nothing has changed." in response.content.decode()
    assert AuditEvent.objects.filter(object_type="organisations.signon").count() == 1
    assert SignOn.objects.get().app.secret == FORM["client_secret"]

    # HR keeps the secret, the domains and the requirement.
    client.post(_page(world), {**again, "client_secret": "second-secret-value-0002"})
    update = AuditEvent.objects.filter(object_type="organisations.signon").latest("pk")
    assert update.changes == {"client_secret": "replaced"}
    assert "second-secret" not in str(update.changes)
    assert SignOn.objects.get().app.secret == "second-secret-value-0002"
    client.post(_page(world), {**again, "version": "2", "required": "on"})
    assert SignOn.objects.get().required


def test_a_new_provider_forgets_every_identity_met_at_the_old_one(world, oidc_provider):
    sign_on = _set_up(world, oidc_provider)
    SocialAccount.objects.create(user=world.carer, provider=sign_on.app.provider_id, uid="old")
    sign_on_save(
        organisation=world.org,
        settings=SignOnSettings(
            server_url="https://idp.new.example",
            client_id=f"hub-{world.org.slug}",
            client_secret="",
            email_domains=("example.org",),
            required=False,
        ),
        by=_deployment_admin(),
        channel=Channel.WEB,
    )
    assert not SocialAccount.objects.filter(provider=sign_on.app.provider_id).exists()


def test_only_an_accounts_own_address_links_it_never_a_staff_records_work_email(world, db):
    """A work email on a staff record is typed by HR or brought by an import, and proven by
    nobody: one wrong address there must not hand someone else's first sign-in to the account."""
    from organisations.models import StaffRecord
    from organisations.sign_on.selectors import account_for_sign_on

    StaffRecord.objects.filter(pk=world.carer_record.pk).update(work_email="typo@example.org")
    match = account_for_sign_on(organisation=world.org, email="typo@example.org", verified=True)
    assert (match.user, match.refusal) == (None, "no_account")
    match = account_for_sign_on(organisation=world.org, email=world.carer.email, verified=True)
    assert match.user == world.carer


def test_a_deployment_admin_is_never_signed_in_by_an_organisations_provider(world, db):
    from organisations.sign_on.selectors import account_for_sign_on

    User.objects.filter(pk=world.org_admin.pk).update(is_superuser=True)
    match = account_for_sign_on(organisation=world.org, email=world.org_admin.email, verified=True)
    assert match.user is None


def test_bad_input_is_refused_with_a_summary_keeping_what_was_typed(client, world):
    client.force_login(world.hr_admin)
    bad = {
        "server_url": "ftp://login.example",
        "client_id": "the-client",
        "client_secret": "",
        "email_domains": "not a domain!",
    }
    response = client.post(_page(world), bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the client secret" in html
    assert "is not a domain" in html
    assert 'value="the-client"' in html
    assert not SignOn.objects.exists()
    assert not AuditEvent.objects.filter(object_type="organisations.signon").exists()


def test_a_provider_on_plain_http_is_refused_outside_the_tests(client, world, settings):
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    client.force_login(world.hr_admin)
    response = client.post(_page(world), {**FORM, "server_url": "http://login.example"})
    assert "Enter an address that starts with https://" in response.content.decode()
    assert not SignOn.objects.exists()


def test_the_sign_in_page_offers_the_organisations_account(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with your organisation&#x27;s account" in html or (
        "Sign in with your organisation's account" in html
    )
    assert 'href="/accounts/sso/"' in html


def test_a_deployment_admin_sets_it_up_in_the_django_admin_audited_and_unseen(client, world):
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import User
    from carershub.tests.personas import TOTP_SECRET

    admin = User.objects.create_superuser("root@example.org", "correct horse battery")
    TOTP.activate(admin, TOTP_SECRET)
    client.force_login(admin)
    response = client.post(
        "/admin/organisations/signon/add/",
        {
            "organisation": world.org.pk,
            "server_url": "https://accounts.google.com",
            "client_id": "google-client",
            "client_secret": "google-secret-0001",
            "domains": "example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sign_on = SignOn.objects.select_related("app").get()
    assert (sign_on.app.secret, sign_on.domains) == ("google-secret-0001", ["example.org"])
    assert AuditEvent.objects.filter(object_type="organisations.signon", actor=admin).exists()
    page = client.get(f"/admin/organisations/signon/{sign_on.pk}/change/").content.decode()
    assert "google-secret-0001" not in page
    # allauth's own admin, which shows secrets, is not there.
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404


def test_the_organisations_own_sign_in_link_works_too(world, oidc_provider):
    sign_on = _set_up(world, oidc_provider, domains=())
    oidc_provider.set_account("carer-at-idp", email="carer@example.org", email_verified=True)
    oidc_provider.start()
    client = Client()
    link = f"/accounts/oidc/{sign_on.app.provider_id}/login/"
    page = client.get(link)
    assert page.status_code == 200
    assert "We will send you to Home Trust" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    # The page's form goes on through our own step, answered by a page with the link.
    assert f'action="/accounts/sso/{sign_on.app.provider_id}/"' in page.content.decode()
    response = oidc_provider.sign_in(
        client, client.post(f"/accounts/sso/{sign_on.app.provider_id}/"), login="carer-at-idp"
    )
    assert int(client.session["_auth_user_id"]) == world.carer.pk
    assert response["Location"] == "/"


def test_a_provider_that_does_not_answer_is_reported_plainly(world, oidc_provider):
    # Set up, but never started: nothing listens at the issuer address.
    _set_up(world, oidc_provider)
    client = Client()
    response = client.post("/accounts/sso/", {"email": "carer@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "did not answer" in html


def test_a_return_from_the_provider_with_an_error_shows_a_page_not_a_crash(world, oidc_provider):
    sign_on = _set_up(world, oidc_provider)
    oidc_provider.start()
    client = Client()
    callback = f"/accounts/oidc/{sign_on.app.provider_id}/login/callback/"
    for query in ("?error=access_denied&state=forged", "?code=forged&state=forged"):
        response = client.get(callback + query)
        assert response.status_code == 401
        assert "Sign-in did not work" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_a_domain_none_of_the_organisations_people_use_is_refused(client, world):
    """Otherwise one organisation could send another's staff to its own provider."""
    client.force_login(world.hr_admin)
    response = client.post(_page(world), {**FORM, "email_domains": "example.org other.example"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "No one in your organisation signs in with an address at other.example" in html
    assert 'value="example.org other.example"' in html
    assert not SignOn.objects.exists()


def test_two_people_saving_at_once_never_overwrite_each_other_unknowingly(client, world):
    _provider_by_deployment_admin(world)
    client.force_login(world.hr_admin)
    opened = {**FORM, "client_secret": "", "version": "1", "email_domains": "example.org"}
    other = Client()
    other.force_login(world.org_admin)
    other.post(_page(world), opened)  # turns "required" on: version 2

    mine = {**opened}
    mine.pop("required")
    mine["client_secret"] = "my-new-secret-0003"
    response = client.post(_page(world), mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Someone else saved single sign-on" in html
    assert SignOn.objects.get().required
    assert SignOn.objects.get().app.secret == FORM["client_secret"]

    # Saving again, having been told, applies it.
    client.post(_page(world), {**mine, "version": "2"})
    saved = SignOn.objects.select_related("app").get()
    assert (saved.required, saved.app.secret) == (False, "my-new-secret-0003")


def test_two_people_setting_it_up_at_once_make_one_provider(world):
    _provider_by_deployment_admin(world)
    with pytest.raises(EditConflict):
        sign_on_save(
            organisation=world.org,
            settings=SignOnSettings(
                server_url=FORM["server_url"],
                client_id="mine",
                client_secret="x-secret",
                email_domains=("example.org",),
                required=False,
            ),
            by=_deployment_admin(),
            channel=Channel.WEB,
            expected_version=0,
        )
    assert SignOn.objects.count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "https://127.0.0.1/issuer",
        "https://localhost/issuer",
        "https://10.1.2.3",
        "https://192.168.0.10/realms/staff",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://[fd00::1]/",
        "https://0.0.0.0/",
        "https://no-such-host.invalid/",
    ],
)
def test_an_issuer_inside_the_network_is_refused(settings, address):
    """The server fetches the provider's discovery document: it must never be made to read an
    address inside its own network (the cloud's metadata service, say)."""
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    with pytest.raises(ValidationError):
        issuer_address(address)


def test_an_issuer_on_the_internet_is_kept(settings):
    settings.SSO_ALLOW_HTTP_PROVIDERS = False
    assert issuer_address("https://8.8.8.8/v2.0/") == "https://8.8.8.8/v2.0"


def _login_with(**extra_data: object) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(account=SimpleNamespace(extra_data=extra_data))


def test_a_claim_only_the_id_token_carries_is_read_too():
    """Entra ID puts xms_edov in the ID token only, while allauth also fetches userinfo."""
    from organisations.sign_on.adapter import claims, email_verified

    found = claims(
        _login_with(
            id_token={"sub": "x", "email": "a@example.org", "xms_edov": True},
            userinfo={"sub": "x", "email": "a@example.org"},
        )
    )
    assert found["email"] == "a@example.org"
    assert email_verified(found)


def test_an_id_token_and_userinfo_naming_different_addresses_verify_nothing():
    from organisations.sign_on.adapter import claims, email_verified

    found = claims(
        _login_with(
            id_token={"email": "a@example.org", "email_verified": True},
            userinfo={"email": "b@example.org", "email_verified": True},
        )
    )
    assert not email_verified(found)


def _invitation_link(world: World, email: str, record: StaffRecord | None = None) -> str:
    """An invitation's link, as its email carries it (the token is only stored hashed)."""
    invitation = invitation_send(
        organisation=world.org,
        email=email,
        role=Role.EMPLOYEE,
        staff_record=record,
        by=world.hr_admin,
    )
    token, token_hash = invitation_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    return f"/accounts/invitation/{token}/"


def test_someone_invited_where_it_is_required_chooses_no_password_and_signs_in_there(
    world, oidc_provider
):
    """A password here could never be used: the invitation makes the account without one and
    goes on to the organisation's provider, which links it by the address just proven."""
    _set_up(world, oidc_provider, required=True)
    record = StaffRecord.objects.create(
        organisation=world.org, staff_number="N7", first_name="Nia", last_name="Evans"
    )
    link = _invitation_link(world, "nia@example.org", record)
    client = Client()
    page = client.get(link).content.decode()
    assert 'name="password"' not in page
    assert "choose no password here" in page
    oidc_provider.start()
    response = client.post(link, {"first_name": "Nia", "last_name": "Evans"})
    assert response.status_code == 200
    assert "Your account is ready" in response.content.decode()
    assert "data-provider-location" in response.content.decode()
    user = User.objects.get(email="nia@example.org")
    assert not user.has_usable_password()
    assert "_auth_user_id" not in client.session
    record.refresh_from_db()
    assert record.user == user

    oidc_provider.set_account("nia-at-idp", email="nia@example.org", email_verified=True)
    response = oidc_provider.sign_in(client, response, login="nia-at-idp")
    assert response.status_code == 302
    assert response["Location"] == f"/o/{world.org.slug}/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_someone_invited_where_it_is_not_required_still_chooses_a_password(client, world):
    link = _invitation_link(world, "nia@example.org")
    assert 'name="password"' in client.get(link).content.decode()
    response = client.post(link, {"first_name": "N", "last_name": "E"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()
