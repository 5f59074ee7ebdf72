"""Wide tables stack on small screens (``app-table--stack``): below tablet width each row is a
block and each cell shows its column heading above its value; at desktop width the table is
a normal table. axe-core passes at both widths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from carershub.tests.browser.fixtures import REFLOW_WIDTH, VIEWPORT, Tab
from carershub.tests.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: For each body cell of the staff list: how it is laid out, the heading its ``::before`` shows,
#: and the text of the column heading in the same position.
CELLS = """() => {
    const table = document.querySelector("table.app-table--stack");
    const headings = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    const head = table.querySelector("thead").getBoundingClientRect();
    const cells = [...table.querySelectorAll("tbody tr")].flatMap(row =>
        [...row.children].map((cell, index) => ({
            display: getComputedStyle(cell).display,
            shown: getComputedStyle(cell, "::before").content,
            heading: headings[index],
            top: cell.getBoundingClientRect().top,
        })));
    return {
        tableDisplay: getComputedStyle(table).display,
        headHeight: head.height,
        cells,
    };
}"""


def _signed_in_tab(open_tab: Callable[..., Tab], user: Any) -> Tab:
    client = Client()
    client.force_login(user)
    tab = open_tab()
    tab.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": tab.base_url,
            }
        ]
    )
    return tab


def test_the_staff_list_stacks_at_320_pixels_and_is_a_table_on_a_desktop(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    tab = _signed_in_tab(open_tab, world.hr_admin)
    tab.goto(f"/o/{world.org.slug}/staff/")  # scanned by axe at desktop width, reflow at 320

    wide = tab.page.evaluate(CELLS)
    assert wide["tableDisplay"] == "table"
    assert wide["headHeight"] > 1
    assert wide["cells"]
    for cell in wide["cells"]:
        assert cell["display"] == "table-cell"
        assert cell["shown"] == "none"

    tab.page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    try:
        narrow = tab.page.evaluate(CELLS)
        tab.scan(tab.page)  # axe at 320 pixels too
    finally:
        tab.page.set_viewport_size(VIEWPORT)
    assert narrow["headHeight"] <= 1  # hidden from sight, kept for screen readers
    assert len(narrow["cells"]) == len(wide["cells"])
    tops = [cell["top"] for cell in narrow["cells"]]
    # One above the other, never side by side.
    assert tops == sorted(tops)
    assert len(set(tops)) == len(tops)
    for cell in narrow["cells"]:
        assert cell["display"] == "block"
        assert cell["shown"] == f'"{cell["heading"]}"'
