"""A carer of an organisation that requires single sign-on signs in through its provider, in
Chromium: the sign-in page's "Sign in with your organisation's account", their work email, the
provider's own sign-in page (panva's oidc-provider, run on this machine), and back, signed in,
with axe-core on every page of ours. Their password is refused on the way."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from audit.models import Channel
from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import PASSWORD
from carershub.tests.oidc import OidcProvider
from carershub.tests.personas import World
from organisations.sign_on.services import SignOnSettings, sign_on_save
from organisations.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "browser-journey-secret-0001"


def _through_the_provider(tab: Tab, oidc: OidcProvider, *, login: str) -> None:
    """Fill the provider's own pages until it sends the browser back to us. They are not our
    pages, so axe does not judge them; every page of ours is scanned as usual."""
    page = tab.page
    for _step in range(6):
        if not page.url.startswith(oidc.issuer):
            break
        if page.locator("input[name=login]").count():
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", "any password")
        with page.expect_event("load"):
            page.locator("form button[type=submit], form [type=submit]").first.click()
    # The provider's own pages are not ours: their console errors (a favicon it does not
    # have, fonts it fetches from the internet) are the provider's, not the site's.
    tab.problems[:] = [problem for problem in tab.problems if oidc.issuer not in problem]
    tab.missed[:] = [url for url in tab.missed if not url.startswith(oidc.issuer)]
    tab.unscanned[:] = [url for url in tab.unscanned if not url.startswith(oidc.issuer)]
    assert page.url.startswith(tab.base_url), page.url
    tab.check()


def test_a_carer_signs_in_with_their_organisations_account(
    world: World, open_tab: Callable[..., Tab], oidc_provider: OidcProvider, live_server
) -> None:
    admin = UserFactory.create(email="deploy@example.net", is_superuser=True, is_staff=True)
    sign_on, _changed = sign_on_save(
        organisation=world.org,
        settings=SignOnSettings(
            server_url=oidc_provider.issuer,
            client_id="hub-home-org",
            client_secret=SECRET,
            email_domains=("example.org",),
            required=True,
        ),
        by=admin,
        channel=Channel.WEB,
    )
    oidc_provider.add_client(
        client_id="hub-home-org",
        client_secret=SECRET,
        provider_id=sign_on.app.provider_id,
        site=live_server.url,
    )
    oidc_provider.set_account("carer-at-idp", email=world.carer.email, email_verified=True)
    oidc_provider.start()

    carer = open_tab()
    page = carer.page
    carer.goto("/accounts/login/")
    # Their password is refused: the organisation requires its own sign-in.
    page.get_by_label("Email").fill(world.carer.email)
    page.get_by_label("Password").fill(PASSWORD)
    carer.follow(lambda: page.get_by_role("button", name="Sign in", exact=True).click())
    assert (
        "signs its staff in with its own account"
        in page.locator(".govuk-error-summary").inner_text()
    )

    carer.follow(
        lambda: page.get_by_role(
            "link", name="Sign in with your organisation's account", exact=True
        ).click()
    )
    page.get_by_label("Work email address").fill(world.carer.email)
    carer.follow(lambda: page.get_by_role("button", name="Continue").click())
    # Ours: a page with the way on (a form's answer may not leave the site: form-action).
    assert page.get_by_role("heading", name="Continue to Home Trust's sign-in").count() == 1
    with page.expect_event("load"):
        page.get_by_role("link", name="Continue", exact=True).click()
    _through_the_provider(carer, oidc_provider, login="carer-at-idp")
    assert page.get_by_role("button", name="Sign out").count() == 1
    carer.screenshot("sign-on-signed-in")
    carer.assert_every_page_scanned()
