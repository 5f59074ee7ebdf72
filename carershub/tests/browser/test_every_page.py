"""Every page a person can reach by following links passes axe-core at WCAG 2.2 AA.

The pages are found by following links, not listed by hand, so a new page is scanned as
soon as something links to it. One page per URL pattern is enough: the same template
renders the rest. A link that leads to an error is a bug too.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Not HTML pages (the API and its OpenAPI document, health, static files), Django's own
#: admin, and signing out, which would end the crawl.
NOT_CRAWLED = ("/api/", "/admin/", "/static/", "/healthz", "/accounts/logout/")


def _links(tab: Tab) -> list[str]:
    # Downloads (PDF, JSON) are files, not pages; their own tests open them.
    hrefs: list[str] = tab.page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.href)"
    )
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" == tab.base_url and not url.path.startswith(NOT_CRAWLED):
            paths.append(url.path)
    return paths


def crawl(tab: Tab, start: str) -> set[str]:
    """Visit ``start`` and every page linked from it, one per URL pattern; return the patterns.
    Each page is scanned by axe and must reflow at 320 CSS pixels (``Tab.check``)."""
    queue, routes = [start], set()
    while queue:
        path = queue.pop(0)
        route = resolve(path).route
        if route in routes:
            continue
        routes.add(route)
        response = tab.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        queue.extend(_links(tab))
    return routes


def test_every_page_an_organisation_admin_can_reach_passes_axe(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab()
    sign_in(tab, email=world.org_admin.email, totp_secret=TOTP_SECRET)
    routes = crawl(tab, f"/o/{world.org.slug}/")
    assert {
        "o/<slug:org_slug>/staff/<int:pk>/",
        "o/<slug:org_slug>/staff/import/",
        "o/<slug:org_slug>/members/",
        "o/<slug:org_slug>/audit/",
        "accounts/settings/",
        # HR's lists of every leave and flexible-working request.
        "o/<slug:org_slug>/leave/all/",
        "o/<slug:org_slug>/flexible/all/",
        # Search, from the header.
        "o/<slug:org_slug>/search/",
        # Learning's completion figures, from the learning home page.
        "o/<slug:org_slug>/learning/figures/",
        # The organisation's own lesson text, from the learning home page: the list and a
        # lesson's edit page.
        "o/<slug:org_slug>/learning/content/",
        "o/<slug:org_slug>/learning/content/<slug:module>/<slug:lesson>/",
    } <= routes


def test_every_page_a_visitor_can_reach_passes_axe(open_tab: Callable[..., Tab]) -> None:
    routes = crawl(open_tab(), "/")
    assert {
        "accounts/login/",
        "accessibility/",
        "privacy/",
        "help/",
        "help/glossary/",
        "help/<slug:slug>/",
    } <= routes


def test_every_page_a_carer_and_their_manager_can_reach_passes_axe(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    from learning.content import modules
    from learning.services import attempt_start, attempt_submit
    from passports.tests.helpers import agreed_passport

    agreed_passport(world)
    # A quiz result, so the module page links to it.
    carer_aware = modules()["carer-aware"]
    tried = attempt_start(organisation=world.org, user=world.carer, module=carer_aware)
    answers = {q: ["a"] for q in tried.questions}
    attempt_submit(attempt=tried, module=carer_aware, answers=answers, by=world.carer)
    carer = open_tab()
    sign_in(carer, email=world.carer.email)
    routes = crawl(carer, f"/o/{world.org.slug}/")
    assert {
        "o/<slug:org_slug>/carer/",
        "o/<slug:org_slug>/carer/declare/",
        "o/<slug:org_slug>/carer/delete/",
        "o/<slug:org_slug>/passport/seen-by/",
        "o/<slug:org_slug>/passports/<int:pk>/",
        "o/<slug:org_slug>/passports/<int:pk>/about/",
        "o/<slug:org_slug>/passports/<int:pk>/adjustments/<int:adjustment_pk>/",
        "o/<slug:org_slug>/passports/<int:pk>/versions/<int:number>/",
        # Learning, from its home card: a module, a lesson, the quiz and the result.
        "o/<slug:org_slug>/learning/",
        "o/<slug:org_slug>/learning/<slug:module>/",
        "o/<slug:org_slug>/learning/<slug:module>/lessons/<slug:lesson>/",
        "o/<slug:org_slug>/learning/<slug:module>/quiz/",
        "o/<slug:org_slug>/learning/<slug:module>/quiz/result/",
    } <= routes
    manager = open_tab()
    sign_in(manager, email=world.manager.email)
    routes = crawl(manager, f"/o/{world.org.slug}/")
    assert {
        "o/<slug:org_slug>/team/passports/",
        "o/<slug:org_slug>/passports/<int:pk>/review/",
        "o/<slug:org_slug>/passports/<int:pk>/conversations/new/",
    } <= routes
