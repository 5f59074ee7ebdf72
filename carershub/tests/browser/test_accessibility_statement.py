"""The accessibility statement a deployment filled in, read in a browser with axe-core, in
English and then in Welsh."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from accessibility.models import Compliance
from accessibility.services import ProblemValues, StatementValues, statement_save
from carershub.tests.browser.fixtures import Tab
from organisations.models import Nation
from organisations.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filled_in_statement_passes_axe_in_english_and_welsh(
    open_tab: Callable[..., Tab],
) -> None:
    root = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    statement_save(
        values=StatementValues(
            service_name="Carers at Work",
            service_name_cy="Gofalwyr yn y Gwaith",
            operator_name="Riverside Council",
            contact_email="access@riverside.example",
            contact_phone="0300 123 4567",
            nation=Nation.NORTHERN_IRELAND,
            compliance=Compliance.PARTIAL,
            prepared_on=datetime.date(2026, 3, 10),
            reviewed_on=datetime.date(2026, 9, 2),
            tested_on=datetime.date(2026, 2, 20),
            tested_by="our own team",
            problems=(
                ProblemValues(
                    description="Grey hint text is too faint.",
                    criterion="1.4.3 Contrast (Minimum)",
                ),
            ),
        ),
        by=root,
        expected_version=None,
    )
    reader = open_tab()
    page = reader.page
    reader.goto("/accessibility/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Accessibility statement for Carers at Work"
    assert page.get_by_text("Equality Commission for Northern Ireland").count() >= 1
    reader.follow(lambda: page.get_by_role("button", name="Cymraeg").click())
    assert page.locator("html").get_attribute("lang") == "cy"
    assert "Gofalwyr yn y Gwaith" in heading.inner_text()
    reader.assert_every_page_scanned()
