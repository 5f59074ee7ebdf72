"""Browser fixtures: headless Chromium through Playwright, and an axe-core scan and a reflow
check of every page.

A ``Tab`` wraps a Playwright page. Each document it loads must be scanned by axe-core at
WCAG 2.2 AA before the next one loads; a journey that navigates without going through
``Tab.goto`` or ``Tab.follow`` fails at teardown, so no page can slip past the scan.

Chromium is Debian's (``/usr/bin/chromium``) or ``$CHROMIUM_PATH``; without either,
Playwright's own build is used, as ``scripts/ensure-chromium.sh`` installs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Response,
    ViewportSize,
    sync_playwright,
)

# The network is closed here; without these Chromium floods the log with refused connections.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1200, "height": 900}
TIMEOUT_MS = 15_000


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """axe-core's result as a list a person can act on: rule, what it asks, where it failed."""
    lines = [f"axe-core found {len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


class Axe:
    """Runs axe-core in a page. Injected through the DevTools protocol, so the site's strict
    Content-Security-Policy stays on during the journeys and would catch inline scripts."""

    def __init__(self, snapshot_context: Callable[[], BrowserContext]) -> None:
        self.source = AXE_SOURCE.read_text(encoding="utf-8")
        self._snapshot_context = snapshot_context
        self._snapshot_page: Page | None = None

    def check(self, page: Page) -> None:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.source)
        result = page.evaluate(
            """(tags) => axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            })""",
            AXE_TAGS,
        )
        violations = result["violations"]
        assert not violations, format_violations(page.url, violations)

    def check_snapshot(self, page: Page) -> None:
        """Scan a page from a context without JavaScript, where axe itself cannot run.

        The same HTML is served again, at the same address so its styles load, to a page
        with JavaScript on but the page's own scripts blocked, and scanned there.
        """
        url, html = page.url, page.content()
        if self._snapshot_page is None:
            self._snapshot_page = self._snapshot_context().new_page()
        scanner = self._snapshot_page

        def serve(route: Any) -> None:
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                body=html,
                headers={"Content-Security-Policy": "script-src 'none'"},
            )

        def matches(candidate: str) -> bool:
            return candidate == url

        scanner.route(matches, serve)
        try:
            scanner.goto(url)
        finally:
            scanner.unroute(matches, serve)
        self.check(scanner)


#: WCAG 2.2 success criterion 1.4.10 (reflow): content fits 320 CSS pixels without scrolling
#: sideways. Wide tables stack into one block per row (``app-table--stack``, docs/architecture.md).
REFLOW_WIDTH = 320


def reflow_problem(page: Page) -> str | None:
    """What scrolls sideways at 320 CSS pixels wide, if anything."""
    size = page.viewport_size or {"width": 1200, "height": 900}
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    try:
        found = page.evaluate(
            """() => {
                const root = document.documentElement;
                const overflow = root.scrollWidth - root.clientWidth;
                const offenders = [...document.body.querySelectorAll("*")]
                    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
                    .filter(e => !e.closest(".app-table-scroll, .govuk-visually-hidden"))
                    .slice(0, 5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                        + (e.className && typeof e.className === "string"
                            ? "." + e.className.trim().split(/\\s+/).join(".") : ""));
                return {overflow, offenders};
            }"""
        )
    finally:
        page.set_viewport_size(size)
    if found["overflow"] <= 0:
        return None
    return (
        f"{page.url} scrolls sideways by {found['overflow']}px at {REFLOW_WIDTH}px wide; "
        f"too wide: {found['offenders']}"
    )


@dataclass
class Tab:
    """A browser page on the live server whose every loaded document is scanned by axe."""

    page: Page
    base_url: str
    scan: Callable[[Page], None]
    #: Pages without JavaScript are the same HTML as with it: reflow is measured there.
    javascript: bool = True
    problems: list[str] = field(default_factory=list)
    unscanned: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("load", self._loaded)
        self.page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        self.page.on("console", self._console)

    def _loaded(self, page: Page) -> None:
        self.missed.extend(self.unscanned)
        self.unscanned[:] = [page.url]

    def _console(self, message: Any) -> None:
        # CSP refusals and script errors are logged as console errors.
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def goto(self, path: str) -> Response | None:
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def follow(self, action: Callable[[], object]) -> None:
        """Do something that loads a new page (click a link, submit a form), then scan it."""
        with self.page.expect_event("load"):
            action()
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        self.unscanned.clear()  # before scanning, so a failed scan is not reported twice
        self.scan(self.page)
        problem = reflow_problem(self.page) if self.javascript else None
        if problem:
            self.problems.append(problem)
        assert not self.problems, "\n".join(self.problems)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def assert_every_page_scanned(self) -> None:
        missed = self.missed + self.unscanned
        assert not missed, f"Pages loaded but never scanned by axe: {missed}"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    """The personas' ten accounts take seconds to hash with the real hasher; speed is all
    that changes here, since the browser signs in through the same hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread; Django would
    # otherwise refuse the ORM calls the test makes while the browser is open.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_tab(chromium: Browser, live_server: Any, settings: Any) -> Iterator[Callable[..., Tab]]:
    """Open a tab in a fresh browser context (its own cookies): ``open_tab(javascript=False)``."""
    settings.SITE_URL = live_server.url  # links in emails point at the live server
    # A code computed just before its 30 seconds run out must not fail the journey.
    settings.MFA_TOTP_TOLERANCE = 1
    # Journeys sign many people in from one address within a minute, which the live site
    # limits (30 a minute for each address; the failed-sign-in limits stay as they are and
    # are tested in accounts/tests).
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}
    contexts: list[BrowserContext] = []
    tabs: list[Tab] = []

    def new_context(*, javascript: bool = True) -> BrowserContext:
        context = chromium.new_context(
            viewport=VIEWPORT, java_script_enabled=javascript, locale="en-GB"
        )
        contexts.append(context)
        return context

    axe = Axe(snapshot_context=new_context)

    def open_(*, javascript: bool = True) -> Tab:
        page = new_context(javascript=javascript).new_page()
        tab = Tab(
            page=page,
            base_url=live_server.url,
            scan=axe.check if javascript else axe.check_snapshot,
            javascript=javascript,
        )
        tabs.append(tab)
        return tab

    yield open_
    for context in contexts:
        context.close()
    for tab in tabs:
        tab.assert_every_page_scanned()
