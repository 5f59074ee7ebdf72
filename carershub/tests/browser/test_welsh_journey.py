"""A carer uses the service in Welsh, in Chromium with axe-core on every page: chooses Cymraeg
on the sign-in page, signs in with the Welsh form, finds carer's leave, meets the Welsh error
summary, and goes back to English; the choice follows them onto their account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation

from accounts.models import User
from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import PASSWORD
from carershub.tests.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def welsh(text: str) -> str:
    """The Welsh the page shows for ``text``; the journey fails if it is missing."""
    with translation.override("cy"):
        found = translation.gettext(text)
    assert found != text, f"no Welsh for {text!r}"
    return found


def test_a_carer_uses_the_service_in_welsh(world: World, open_tab: Callable[..., Tab]) -> None:
    carer = open_tab()
    page = carer.page
    carer.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    carer.follow(lambda: page.get_by_role("button", name="Cymraeg").click())
    assert carer.path() == "/accounts/login/"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("link", name="Neidio i'r prif gynnwys").count() == 1
    carer.screenshot("welsh-sign-in")

    # The sign-in form, labels and button, is Welsh (django-allauth's text included).
    page.get_by_label(welsh("Email")).fill(world.carer.email)
    page.get_by_label(welsh("Password")).fill(PASSWORD)
    carer.follow(lambda: page.get_by_role("button", name=welsh("Sign in"), exact=True).click())
    assert page.locator("html").get_attribute("lang") == "cy"

    carer.follow(lambda: page.get_by_role("link", name=welsh("Carer's leave")).first.click())
    carer.follow(lambda: page.get_by_role("button", name=welsh("Ask for carer's leave")).click())
    # Sent with no day: the error summary and its messages are Welsh.
    carer.follow(lambda: page.get_by_role("button", name=welsh("Send to my line manager")).click())
    summary = page.locator(".govuk-error-summary")
    assert "Mae problem wedi codi" in summary.inner_text()
    assert page.title().startswith(welsh("Error:"))
    carer.screenshot("welsh-error-summary")

    # Choosing English while signed in keeps English on the account, for emails too.
    carer.follow(lambda: page.get_by_role("button", name="English").click())
    assert page.locator("html").get_attribute("lang") == "en"
    assert "There is a problem" not in page.content()  # back to the page, not a resend
    assert User.objects.get(pk=world.carer.pk).language == "en-gb"
