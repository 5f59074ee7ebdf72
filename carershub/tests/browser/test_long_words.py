"""A word too long for the screen wraps: no page scrolls sideways at 320 CSS pixels.

Words of the longest length each field keeps (10,000 letters in a passport's text and a
plan's aim, 200 in a plan's title and an organisation's name, 100 in a staff name) are stored,
then every page the carer, their manager and HR can reach by following links is opened; each
is measured by ``Tab.check`` (``reflow_problem``) and scanned by axe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.test_every_page import crawl
from carershub.tests.personas import World
from organisations.models import Organisation, StaffRecord, Unit
from passports.models import Adjustment, Passport
from passports.services import conversation_record
from plans.models import ActionPoint, OrgPlan, PersonalPlan, PersonalPlanRow, Priority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def word(length: int, letter: str = "W") -> str:
    return letter * length


def _store_long_words(world: World) -> None:
    from passports.tests.helpers import agreed_passport
    from plans.tests.helpers import personal_plan, strategy_plan

    passport = agreed_passport(world)
    conversation_record(
        passport=passport, held_on=timezone.localdate(), notes="talked", by=world.manager
    )
    plan, action = strategy_plan(world)
    mine = personal_plan(world, owner="carer")
    Organisation.objects.filter(pk=world.org.pk).update(name=word(200, "O"))
    Unit.objects.filter(organisation=world.org).update(name=word(200, "U"))
    StaffRecord.objects.filter(pk__in=[world.carer_record.pk, world.manager_record.pk]).update(
        first_name=word(100, "F"), last_name=word(100, "L")
    )
    Passport.objects.filter(pk=passport.pk).update(
        about_caring=word(10_000), plan_b_contacts=word(4_000), plan_b_at_work=word(4_000)
    )
    Adjustment.objects.filter(passport=passport).update(details=word(2_000))
    passport.conversations.update(notes=word(4_000))
    OrgPlan.objects.filter(pk=plan.pk).update(title=word(200, "T"))
    Priority.objects.filter(plan=plan).update(title=word(300, "P"), aim=word(10_000, "A"))
    ActionPoint.objects.filter(pk=action.pk).update(
        planned_action=word(2_000), what_we_will_do=word(4_000), risks=word(2_000)
    )
    PersonalPlan.objects.filter(pk=mine.pk).update(
        title=word(200, "T"), goal=word(10_000, "G"), first_step=word(2_000, "S")
    )
    PersonalPlanRow.objects.filter(plan=mine).update(action=word(2_000), help_from=word(2_000))


def _signed_in_tab(open_tab: Callable[..., Tab], user: Any) -> Tab:
    """A tab holding the persona's session, made by the test client (no password or code)."""
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


def test_long_words_wrap_on_every_page_the_carer_manager_and_hr_reach(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    _store_long_words(world)
    seen: set[str] = set()
    for persona in ("carer", "manager", "hr_admin"):
        tab = _signed_in_tab(open_tab, world.persona(persona))
        seen |= crawl(tab, f"/o/{world.org.slug}/")
    assert {
        "o/<slug:org_slug>/passports/<int:pk>/",
        "o/<slug:org_slug>/passports/<int:pk>/versions/<int:number>/",
        "o/<slug:org_slug>/team/passports/",
        "o/<slug:org_slug>/staff/<int:pk>/",
        "o/<slug:org_slug>/plans/personal/<int:pk>/",
        "o/<slug:org_slug>/plans/personal/<int:pk>/edit/",
        "o/<slug:org_slug>/plans/org/<int:pk>/",
    } <= seen
