"""The list of modules recommends those for the reader's roles first; every module stays open to
every member in post, and someone who has left sees none."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from learning.content import modules
from learning.selectors import audiences_for, learning_home
from organisations.models import Role, StaffStatus
from organisations.tests.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db

MANAGERS = modules()["supporting-carers"]
LEADERS = modules()["equal-partners"]


def url(world, name, **kw):
    return reverse(f"learning:{name}", kwargs={"org_slug": world.org.slug, **kw})


def home_page(world, user: User) -> tuple[str, str]:
    """The list's two parts as HTML: the recommended modules, and the others."""
    client = Client()
    client.force_login(user)
    response = client.get(url(world, "home"))
    assert response.status_code == 200
    html = response.content.decode()
    recommended, _, other = html.partition("Other modules")
    assert "Recommended for you" in recommended
    return recommended, other


def listed(world, module, html: str) -> bool:
    return url(world, "module", module=module.slug) in html


@pytest.mark.parametrize(
    ("roles", "manages", "expected"),
    [
        ({Role.EMPLOYEE}, False, {"everyone"}),
        ({Role.CHAMPION}, False, {"everyone"}),
        ({Role.EMPLOYEE}, True, {"everyone", "managers"}),
        ({Role.HR_ADMIN}, False, {"everyone", "managers", "leaders"}),
        ({Role.ORG_ADMIN}, False, {"everyone", "managers", "leaders"}),
        ({Role.SPONSOR}, False, {"everyone", "leaders"}),
        (set(), False, {"everyone"}),
    ],
)
def test_who_each_audience_is_recommended_to(roles, manages, expected):
    assert audiences_for(roles=frozenset(roles), manages_people=manages) == expected


def test_a_line_manager_is_recommended_the_managers_module(world):
    recommended, other = home_page(world, world.manager)
    assert listed(world, modules()["carer-aware"], recommended)
    assert listed(world, MANAGERS, recommended)
    assert not listed(world, MANAGERS, other)
    assert listed(world, LEADERS, other)


def test_a_member_who_manages_nobody_sees_it_under_other_modules_and_may_still_take_it(world):
    recommended, other = home_page(world, world.carer)
    assert not listed(world, MANAGERS, recommended)
    assert listed(world, MANAGERS, other)
    assert listed(world, LEADERS, other)
    client = Client()
    client.force_login(world.carer)
    assert client.get(url(world, "module", module=MANAGERS.slug)).status_code == 200
    lesson = MANAGERS.lessons[0].slug
    assert client.get(url(world, "lesson", module=MANAGERS.slug, lesson=lesson)).status_code == 200
    assert client.post(url(world, "quiz_start", module=MANAGERS.slug)).status_code == 302
    assert client.get(url(world, "quiz", module=MANAGERS.slug)).status_code == 200


def test_managing_only_people_who_have_left_is_not_managing(world):
    world.carer_record.status = StaffStatus.LEFT
    world.carer_record.save()
    recommended, other = home_page(world, world.manager)
    assert listed(world, MANAGERS, other)
    assert not listed(world, MANAGERS, recommended)


def test_hr_is_recommended_every_module_and_a_sponsor_the_leaders_module(world):
    recommended, other = home_page(world, world.hr_admin)
    assert all(listed(world, m, recommended) for m in modules().values())
    assert other == ""  # no "Other modules" heading when nothing is left over
    recommended, other = home_page(world, world.sponsor)
    assert listed(world, LEADERS, recommended)
    assert listed(world, MANAGERS, other)


def test_someone_who_has_left_sees_no_module(world):
    client = Client()
    client.force_login(world.leaver)
    assert client.get(url(world, "home")).status_code == 403
    assert client.get(url(world, "module", module=LEADERS.slug)).status_code == 403


def test_the_home_card_counts_the_modules_recommended_for_the_viewer(world):
    client = Client()
    client.force_login(world.manager)
    html = client.get(reverse("organisations:home", args=[world.org.slug])).content.decode()
    assert "You have passed 0 of the 2 modules recommended for you." in html


def test_the_recommendation_costs_the_same_queries_however_many_people_someone_manages(
    world, django_assert_num_queries
):
    def read() -> None:
        # A fresh user object each time: its roles are read once, as on a page.
        viewer = User.objects.get(pk=world.manager.pk)
        # The roles, the staff record, whether they manage anyone, their progress, own modules.
        with django_assert_num_queries(5):
            home = learning_home(viewer=viewer, organisation=world.org)
        assert MANAGERS in [s.module for s in home.recommended]

    read()
    for n in range(30):
        StaffRecordFactory.create(
            organisation=world.org, staff_number=f"R{n:03d}", line_manager=world.manager_record
        )
    read()
