"""The staff carer network and the support directory in Chromium with axe-core: a champion
starts the network and arranges a meeting; a carer joins on a phone, sees the meeting and a
resource matching their passport with its access code; HR cannot see who belongs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import ViewportSize

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from networks.models import NetworkMember
from networks.services import network_join, network_start
from passports.tests.helpers import declared
from shared.models import FormSubmission
from signposting.services import Owner
from signposting.tests.helpers import add_code, add_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 740}


def test_a_champion_starts_the_network_a_carer_joins_and_hr_cannot_see_who(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    champion = open_tab()
    page = champion.page
    sign_in(champion, email=world.champion.email)
    champion.goto(f"/o/{world.org.slug}/")
    champion.follow(lambda: page.get_by_role("link", name="Staff carer network").click())
    champion.follow(lambda: page.get_by_role("link", name="Start the network").click())
    page.get_by_label("Name of the network").fill("Carers together")
    page.get_by_label("About the network").fill("A monthly coffee. Only champions see who belongs.")
    champion.follow(lambda: page.get_by_role("button", name="Start the network").click())
    champion.follow(lambda: page.get_by_role("link", name="Arrange a meeting").click())

    # A day in the past is refused, with what was typed kept.
    page.get_by_label("Title").fill("Coffee and a chat")
    page.get_by_label("A short coffee and chat").check()
    page.get_by_label("Day").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Start time").fill("12:30")
    page.get_by_label("Where (optional if there is a link)").fill("Staff restaurant")
    champion.follow(lambda: page.get_by_role("button", name="Arrange the meeting").click())
    assert "must start in the future" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == "Coffee and a chat"
    page.get_by_label("Day").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    champion.follow(lambda: page.get_by_role("button", name="Arrange the meeting").click())
    assert page.get_by_role("heading", name="Coffee and a chat").is_visible()
    champion.goto(f"/o/{world.org.slug}/network/")
    champion.follow(lambda: page.get_by_role("link", name="Post news to the members").click())
    page.get_by_label("Title").fill("Lunch on Friday")
    page.get_by_label("The news").fill("Bring a colleague who might like to come.")
    champion.follow(lambda: page.get_by_role("button", name="Post and email the members").click())

    carer = open_tab()
    phone = carer.page
    phone.set_viewport_size(PHONE)
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/")
    carer.follow(lambda: phone.get_by_role("link", name="Carers together").click())
    assert "Coffee and a chat" not in phone.content()  # not a member yet
    carer.follow(lambda: phone.get_by_role("button", name="Join the network").click())
    assert phone.get_by_role("heading", name="Lunch on Friday").is_visible()
    carer.follow(lambda: phone.get_by_role("link", name="Coffee and a chat").click())
    assert "Staff restaurant" in phone.content()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add it to your calendar").click()
    event = icalendar.Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")[0]
    assert str(event["summary"]) == "Coffee and a chat"
    assert NetworkMember.objects.filter(user=world.carer).exists()

    # From their passport, the support that suits what they told us, with the code.
    declared(world)  # cares for an older parent ("older_age")
    resource = add_entry(
        Owner(organisation=world.org),
        world.hr_admin,
        kind="digital",
        name="Zyxandra Online Carers Course",
        covers_everywhere=True,
        areas="",
        needs=("older_age",),
    )
    add_code(resource, world.hr_admin, Owner(organisation=world.org), code="QV-PLIMBROOK-42")
    carer.goto(f"/o/{world.org.slug}/carer/")
    carer.follow(
        lambda: phone.get_by_role(
            "link", name="Support that suits the kind of care you give"
        ).click()
    )
    carer.follow(lambda: phone.get_by_role("link", name="Zyxandra Online Carers Course").click())
    assert "QV-PLIMBROOK-42" in phone.locator("[data-access-code]").inner_text()

    champion.goto(f"/o/{world.org.slug}/network/members/")
    assert world.carer.get_full_name() in page.locator("table").inner_text()

    hr = open_tab()
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/network/")
    assert "See who belongs" not in hr.page.content()
    # Asked for directly, with HR's own session (not a page load: it would be a 403 page).
    response = hr.page.request.get(f"{hr.base_url}/o/{world.org.slug}/network/members/")
    assert response.status == 403
    assert world.carer.get_full_name() not in response.text()


def test_a_carer_asks_without_a_name_and_reads_the_champions_answer(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    network = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    network_join(network=network, user=world.carer)

    carer = open_tab()
    phone = carer.page
    phone.set_viewport_size(PHONE)
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/network/")
    carer.follow(lambda: phone.get_by_role("link", name="Question box").first.click())
    carer.follow(lambda: phone.get_by_role("link", name="Ask a question").click())
    carer.follow(lambda: phone.get_by_role("button", name="Send the question").click())
    assert "Enter your question" in phone.locator(".govuk-error-summary").inner_text()
    phone.get_by_label("Your question").fill("My dad Brannoc needs me on Tuesdays. Can I swap?")
    carer.follow(lambda: phone.get_by_role("button", name="Send the question").click())
    assert "Your question is in the box" in phone.content()
    assert not FormSubmission.objects.exists()  # nothing that could name who asked

    champion = open_tab()
    page = champion.page
    sign_in(champion, email=world.champion.email)
    champion.goto(f"/o/{world.org.slug}/")
    champion.follow(
        lambda: page.get_by_role(
            "link", name="Answer 1 question in the network's question box"
        ).click()
    )
    champion.follow(lambda: page.get_by_role("link", name="Answer and publish").click())
    page.get_by_label("The question, as members will read it").fill(
        "Can I change my working days to fit caring?"
    )
    page.get_by_label("Your answer").fill("Yes: ask for flexible working from your first day.")
    champion.follow(lambda: page.get_by_role("button", name="Publish to the members").click())
    champion.goto(f"/o/{world.org.slug}/network/contact/")
    page.get_by_label("Yes").first.check()
    page.get_by_label("How staff can reach you (optional)").fill("Extension 4021")
    page.get_by_label("No").last.check()
    champion.follow(lambda: page.get_by_role("button", name="Save").click())

    carer.goto(f"/o/{world.org.slug}/network/questions/")
    answered = phone.locator("main").inner_text()
    assert "Can I change my working days to fit caring?" in answered
    assert "Brannoc" not in answered
    carer.goto(f"/o/{world.org.slug}/network/")
    assert "Extension 4021" in phone.locator("main").inner_text()
