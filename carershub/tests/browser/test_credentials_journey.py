"""An organisation admin looks after the signing keys and whom to trust, in Chromium with axe-core."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from credentials.models import KeyStatus, SigningKey, TrustedIssuer
from credentials.tests.conftest import RemoteDeployment, remote  # noqa: F401  the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_rotates_and_revokes_a_key_then_trusts_and_removes_an_issuer(
    world: World,
    open_tab: Callable[..., Tab],
    remote: RemoteDeployment,  # noqa: F811  the fixture imported above
) -> None:
    admin = open_tab()
    page = admin.page
    sign_in(admin, email=world.org_admin.email, totp_secret=TOTP_SECRET)

    # Signing keys: the first comes from a rotation here.
    admin.follow(lambda: page.get_by_role("link", name="Credential signing keys").click())
    assert "No key yet" in page.content()
    admin.follow(lambda: page.get_by_role("button", name="Rotate the key").click())
    admin.follow(lambda: page.get_by_role("button", name="Rotate the key").click())
    key = SigningKey.objects.get(organisation=world.org)
    assert key.kid in page.locator(".govuk-notification-banner, .govuk-table").first.inner_text()

    # Revoking asks for a reason, and says so when none is given.
    admin.follow(lambda: page.get_by_role("link", name=f"Revoke {key.kid}").click())
    admin.follow(lambda: page.get_by_role("button", name="Revoke the key").click())
    assert "Say why" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why are you revoking this key?").fill("A backup went missing")
    admin.follow(lambda: page.get_by_role("button", name="Revoke the key").click())
    key.refresh_from_db()
    assert key.status == KeyStatus.REVOKED
    assert "Revoked" in page.locator(".govuk-table").inner_text()

    # Trusted issuers: bad input keeps what was typed; another deployment's key set is fetched.
    admin.goto(f"/o/{world.org.slug}/")
    admin.follow(lambda: page.get_by_role("link", name="Trusted credential issuers").click())
    admin.follow(lambda: page.get_by_role("button", name="Add a trusted issuer").click())
    page.get_by_label("Name of the issuer").fill("Northern Hub")
    page.get_by_label("Or paste their key set").fill("{not json")
    admin.follow(lambda: page.get_by_role("button", name="Trust this issuer").click())
    # A pasted key set is trusted for one named issuer only.
    assert "Enter the issuer id" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Their issuer id").fill("https://northern.example/issuers/1")
    admin.follow(lambda: page.get_by_role("button", name="Trust this issuer").click())
    assert "not valid JSON" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Name of the issuer").input_value() == "Northern Hub"
    page.get_by_label("Their issuer id").fill("")
    page.get_by_label("Or paste their key set").fill("")
    page.get_by_label("Address of their key set").fill(remote.jwks_url)
    admin.follow(lambda: page.get_by_role("button", name="Trust this issuer").click())
    assert "Northern Hub" in page.locator(".govuk-table").inner_text()
    trusted = TrustedIssuer.objects.get(organisation=world.org)

    admin.follow(lambda: page.get_by_role("button", name="Refresh Northern Hub").click())
    assert "refreshed" in page.content()
    admin.follow(lambda: page.get_by_role("link", name="Remove Northern Hub").click())
    admin.follow(lambda: page.get_by_role("button", name="Stop trusting them").click())
    assert not TrustedIssuer.objects.filter(pk=trusted.pk).exists()
    admin.assert_every_page_scanned()
