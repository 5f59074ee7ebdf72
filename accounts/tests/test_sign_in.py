"""Signing in: email and password, MFA for admin roles, rate limiting, closed sign-up."""

from __future__ import annotations

from django.core.cache import cache

from organisations.models import Membership, Role


def test_an_hr_admin_without_an_authenticator_must_set_one_up_first(client, world):
    Membership.objects.create(user=world.carer, organisation=world.org, role=Role.HR_ADMIN)
    client.force_login(world.carer)
    response = client.get(f"/o/{world.org.slug}/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_employee_is_not_asked_for_a_second_factor(client, world):
    client.force_login(world.carer)
    assert client.get(f"/o/{world.org.slug}/").status_code == 200


def test_password_sign_in_of_an_mfa_user_asks_for_the_code(client, world):
    response = client.post(
        "/accounts/login/", {"login": "hr@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_wrong_passwords_are_rate_limited(client, world):
    cache.clear()
    pages = [
        client.post(
            "/accounts/login/", {"login": "carer@example.org", "password": f"wrong {i}"}
        ).content.decode()
        for i in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused until the limit expires.
    page = client.post(
        "/accounts/login/", {"login": "carer@example.org", "password": "correct horse battery"}
    )
    assert page.status_code == 200
    cache.clear()


def test_a_failed_sign_in_shows_an_error_summary_and_keeps_the_email(client, world):
    cache.clear()
    response = client.post("/accounts/login/", {"login": "carer@example.org", "password": "wrong"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="carer@example.org"' in html


def test_open_sign_up_is_closed(client, db):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code in (302, 403)


def _make_carer_hr_admin(world):
    from audit.models import Channel
    from organisations.services import membership_grant

    membership_grant(
        user=world.carer,
        organisation=world.org,
        role=Role.HR_ADMIN,
        by=world.org_admin,
        channel=Channel.WEB,
    )


def test_a_signed_in_employee_made_hr_admin_must_set_up_mfa_before_the_next_page(client, world):
    client.force_login(world.carer)
    assert client.get(f"/o/{world.org.slug}/").status_code == 200
    _make_carer_hr_admin(world)
    response = client.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_a_user_saved_from_a_copy_read_before_the_grant_is_still_asked_for_mfa(client, world):
    """A full save of a user read before the grant (a password or name change in flight)
    writes the old stamp; the database keeps the higher one, so the check is still owed."""
    from accounts.models import User

    client.force_login(world.carer)
    assert client.get(f"/o/{world.org.slug}/").status_code == 200
    stale = User.objects.get(pk=world.carer.pk)
    _make_carer_hr_admin(world)
    stale.first_name = "Renamed"
    stale.save()  # every column, the stamp read before the grant with them
    saved = User.objects.get(pk=world.carer.pk)
    assert saved.first_name == "Renamed"
    assert saved.role_stamp == stale.role_stamp + 1
    response = client.get(f"/o/{world.org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_too_many_sign_ins_from_one_address_get_the_services_own_page(client, world, settings):
    """The page says what happened and what to do, in the service's layout (with its
    language, for screen readers), not a bare server page."""
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    answers = [
        client.post(
            "/accounts/login/", {"login": "carer@example.org", "password": "correct horse battery"}
        )
        for _ in range(3)
    ]
    assert answers[-1].status_code == 429
    page = answers[-1].content.decode()
    assert "Too many attempts" in page
    assert '<html lang="en' in page
    cache.clear()
