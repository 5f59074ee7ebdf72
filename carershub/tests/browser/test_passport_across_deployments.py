"""A passport agreed on one deployment is brought in on another, through the browser.

Deployment A is the test's live server. Deployment B is a second server process with its
own SQLite database, migrated and loaded with the demo data. B's HR admin trusts A's
published key set; a carer at B uploads the credential their A employer signed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import PASSWORD, sign_in
from carershub.tests.personas import World
from organisations.demo import demo_email, demo_totp_secret
from passports.tests.helpers import agreed_passport

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated"),
]
B_ORG = "eastbrook-hospitals"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def deployment_b(tmp_path: Path) -> Iterator[str]:
    """Another Working Carers Hub: its own database and process, serving on its own port."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": url,
        "TASKS_BACKEND": "immediate",
        "DEMO_PASSWORD": PASSWORD,  # B's demo people sign in like the personas
        # A listens on loopback, which key set fetches refuse unless told otherwise.
        "CREDENTIALS_FETCH_ALLOW_LOOPBACK": "true",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    log = (tmp_path / "b.log").open("wb")
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((tmp_path / "b.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_a_passport_from_one_deployment_is_brought_in_on_another(
    world: World, open_tab: Callable[..., Tab], deployment_b: str, tmp_path: Path
) -> None:
    passport = agreed_passport(world)

    # On A: the carer takes a signed copy of agreed version 1.
    carer_a = open_tab()
    sign_in(carer_a, email=world.carer.email)
    carer_a.goto(f"/o/{world.org.slug}/passports/{passport.pk}/versions/1/")
    carer_a.follow(lambda: carer_a.page.get_by_role("button", name="Get a signed copy").click())
    holder_code = carer_a.page.locator("[data-holder-code]").inner_text()
    with carer_a.page.expect_download() as info:
        carer_a.page.get_by_role("button", name="Download signed credential").click()
    credential = tmp_path / "passport.jwt"
    info.value.save_as(credential)

    # On B, before anyone trusts A, the same file is refused with its reason.
    carer_b = open_tab()
    carer_b.base_url = deployment_b
    page = carer_b.page
    sign_in(carer_b, email=demo_email("sponsor"))
    carer_b.goto(f"/o/{B_ORG}/passport/import/")
    page.get_by_label("Upload the credential file").set_input_files(str(credential))
    page.get_by_label("Your holder code").fill(holder_code)
    carer_b.follow(lambda: page.get_by_role("button", name="Check it").click())
    assert "untrusted_issuer" in page.locator(".govuk-error-summary").inner_text()

    # B's HR admin adds A's published key set to the trusted issuers.
    hr_b = open_tab()
    hr_b.base_url = deployment_b
    hpage = hr_b.page
    sign_in(hr_b, email=demo_email("hr"), totp_secret=demo_totp_secret(demo_email("hr")))
    hr_b.follow(lambda: hpage.get_by_role("link", name="Trusted credential issuers").click())
    hr_b.follow(lambda: hpage.get_by_role("button", name="Add a trusted issuer").click())
    hpage.get_by_label("Name of the issuer").fill("Home Trust's hub")
    hpage.get_by_label("Address of their key set").fill(f"{carer_a.base_url}/.well-known/jwks.json")
    hr_b.follow(lambda: hpage.get_by_role("button", name="Trust this issuer").click())
    assert "Home Trust's hub" in hpage.locator(".govuk-table").inner_text()

    # Now the carer at B checks it again, chooses, and brings it in as requests. Without the
    # holder code it is refused; with it, it comes in.
    carer_b.goto(f"/o/{B_ORG}/passport/import/")
    page.get_by_label("Upload the credential file").set_input_files(str(credential))
    page.get_by_label("Your holder code").fill("AAAA-BBBB-CCCC")
    carer_b.follow(lambda: page.get_by_role("button", name="Check it").click())
    assert "not_holder" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Upload the credential file").set_input_files(str(credential))
    page.get_by_label("Your holder code").fill(holder_code.lower())
    carer_b.follow(lambda: page.get_by_role("button", name="Check it").click())
    assert "This passport is genuine" in page.content()
    carer_b.follow(lambda: page.get_by_role("button", name="Bring these into my passport").click())
    body = page.locator("main").inner_text()
    assert "Flexible start and finish times" in body
    assert "Agreed at" in body
    assert "Requested" in body
