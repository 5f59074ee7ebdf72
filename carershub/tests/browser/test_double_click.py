"""Pressing "Add" again while the page is still loading adds once (shared/once.py).

The first answer is held back, as on a slow connection, while the button is pressed a
second time. With JavaScript, GOV.UK Frontend's button script drops the second press;
without it, the browser sends the form again and the server's one-time token stops it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from playwright.sync_api import APIResponse, Error, Route

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from passports.models import Adjustment
from passports.tests.helpers import declared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_pressing_add_again_while_the_page_loads_adds_one_adjustment(
    world: World, open_tab: Callable[..., Tab], javascript: bool
) -> None:
    passport = declared(world)
    org = world.org.slug
    form_page = f"/o/{org}/passports/{passport.pk}/adjustments/new/"
    carer = open_tab(javascript=javascript)
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.goto(form_page)
    held: list[tuple[Route, APIResponse]] = []

    def slow_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        # The server has answered; the browser is kept waiting for it.
        held.append((route, route.fetch(max_redirects=0)))

    page.route(f"**{form_page}", slow_answer)
    page.get_by_label("Working from home").check()
    # The mouse, not the locator: a locator waits for the page to finish loading first.
    add = page.get_by_role("button", name="Add", exact=True)
    add.scroll_into_view_if_needed()
    box = add.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    for _tick in range(500):
        if held:
            break
        page.wait_for_timeout(10)
    page.mouse.click(x, y)
    page.wait_for_timeout(200)  # time for a second request, if the browser sends one

    def release() -> None:
        for route, answer in held:
            # The browser gave up waiting for the first answer when it sent the form again.
            with contextlib.suppress(Error):
                route.fulfill(response=answer)

    carer.follow(release)

    assert len(held) == (1 if javascript else 2)
    assert Adjustment.objects.filter(passport=passport).count() == 1
    assert carer.path() == f"/o/{org}/passports/{passport.pk}/"
    if not javascript:
        # The first answer's message, and the second's.
        banners = " ".join(page.locator(".govuk-notification-banner").all_inner_texts())
        assert "Adjustment added." in banners
        assert "That was already sent" in banners
