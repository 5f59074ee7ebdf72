"""Steps the browser journeys share: signing in, and the staff files HR uploads."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import FilePayload

from carershub.tests.browser.fixtures import Tab

PASSWORD = "correct horse battery"
TOTP_PERIOD_SECONDS = 30

HEADER = (
    "Staff Number,First Name,Last Name,Work Email,Unit Code,"
    "Line Manager Staff Number,Contracted Days,Contracted Hours,Start Date\n"
)
#: Three new starters; the second has a malformed email address on line 3.
STAFF_CSV_WITH_BAD_ROW = (
    HEADER
    + "N100,Amara,Okafor,amara.okafor@example.org,WARD1,M001,5,37.5,2024-04-01\n"
    + "N101,Ben,Hughes,ben.hughes.example.org,WARD1,N100,3,22.5,2023-09-18\n"
    + "N102,Cerys,Jones,cerys.jones@example.org,WARD1,N100,4,30,01/02/2022\n"
)
STAFF_CSV = STAFF_CSV_WITH_BAD_ROW.replace("ben.hughes.example.org", "ben.hughes@example.org")
BAD_ROW = ("3", "Work Email", "“ben.hughes.example.org” is not a valid email address")
NEW_STAFF = ("Amara Okafor", "Ben Hughes", "Cerys Jones")


def totp_code(secret: str) -> str:
    """The code an authenticator app would show now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD_SECONDS))


def sign_in(
    tab: Tab, *, email: str, totp_secret: str | None = None, screenshot: bool = False
) -> None:
    page = tab.page
    tab.goto("/accounts/login/")
    if screenshot:
        tab.screenshot("login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    tab.follow(lambda: page.get_by_role("button", name="Sign in", exact=True).click())
    if totp_secret is not None:
        assert tab.path() == "/accounts/2fa/authenticate/"
        page.get_by_label("Code").fill(totp_code(totp_secret))
        tab.follow(lambda: page.get_by_role("button", name="Sign in").click())


def upload_staff_file(tab: Tab, content: str, *, name: str = "staff.csv") -> None:
    page = tab.page
    upload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}
    page.get_by_label("Staff file (CSV)").set_input_files(files=[upload])
    tab.follow(lambda: page.get_by_role("button", name="Check the file").click())


def error_rows(tab: Tab) -> list[tuple[str, ...]]:
    """The rows of the import's error table: (line, column, problem)."""
    table = tab.page.locator("table", has=tab.page.get_by_text("Each problem, by line of the file"))
    return [
        tuple(cell.strip() for cell in row.locator("td").all_inner_texts())
        for row in table.locator("tbody tr").all()
    ]


def preview_counts(tab: Tab) -> dict[str, str]:
    cells = tab.page.locator("[data-count]")
    return {
        cells.nth(i).get_attribute("data-count") or "": cells.nth(i).inner_text().strip()
        for i in range(cells.count())
    }
