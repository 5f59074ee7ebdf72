"""HR's completion figures: numbers by role and by unit, small ones hidden, never a name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from learning.tests.learners import pass_, people, start
from organisations.models import StaffRecord, StaffStatus
from organisations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

AWARE = "carer-aware"
HIDDEN = ["not shown", "not shown"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures_url(world) -> str:
    return reverse("learning:figures", args=[world.org.slug])


def figures(world) -> str:
    response = signed_in(world.hr_admin).get(figures_url(world))
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, table: str, heading: str) -> list[str]:
    """The cells of the row headed ``heading`` in the table marked ``table``."""
    found = re.search(rf"<table[^>]*{table}.*?</table>", html, re.S)
    assert found is not None, table
    for tr in re.findall(r"<tr.*?</tr>", found.group(0), re.S):
        if re.search(rf"<th scope=\"row\"[^>]*>\s*{re.escape(heading)}\s*</th>", tr):
            return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    raise AssertionError(f"no row {heading!r}")


def staff_in_units(world) -> None:
    """Beside the world's own Ward 1 (the manager, the new manager and the carer, in post with
    accounts, none passed): Quokka ward 12 of 20 passed (6 of them line managers), Okapi clinic
    5 of 10, Narwhal unit 2 of 9, and leavers who passed, who count nowhere."""
    quokka = UnitFactory.create(organisation=world.org, name="Quokka ward")
    okapi = UnitFactory.create(organisation=world.org, name="Okapi clinic")
    narwhal = UnitFactory.create(organisation=world.org, name="Narwhal unit")
    pass_(people(world.org, 6, unit=quokka), AWARE)
    pass_(people(world.org, 6, unit=quokka, manages=True), AWARE)
    start(people(world.org, 8, unit=quokka), AWARE)
    pass_(people(world.org, 5, unit=okapi), AWARE)
    people(world.org, 5, unit=okapi)
    pass_(people(world.org, 2, unit=narwhal), AWARE)
    people(world.org, 7, unit=narwhal)
    pass_(people(world.org, 5, unit=narwhal, status=StaffStatus.LEFT), AWARE)


def test_figures_by_role_are_counted_and_small_ones_hidden(world):
    staff_in_units(world)
    html = figures(world)
    groups = f'data-groups="{AWARE}"'
    assert row(html, groups, "Everyone in post") == ["19", "23", "42", "45%"]
    # The 6 managers in Quokka ward and the world's manager: 1 not passed hides the row.
    assert row(html, groups, "Line managers") == ["not shown", "fewer than 5", "not shown", "—"]
    # The world's champion has no staff record, so is not staff in post.
    assert row(html, groups, "Carer champions") == ["0", "0", "0", "—"]


def test_figures_by_unit_hide_small_units_and_one_more_so_totals_give_nothing_away(world):
    staff_in_units(world)
    html = figures(world)
    units = f'data-units="{AWARE}"'
    assert row(html, units, "Quokka ward") == ["12", "8", "20", "60%"]
    # Ward 1's 3 people and 3 not passed are small; Narwhal's 2 passes too, and its 9 people
    # would give Ward 1's away from the total. Together they would show 2 passes from the
    # overall figure, so the next smallest unit, Okapi clinic, is hidden as well.
    assert row(html, units, "Ward 1") == ["not shown", "fewer than 5", "fewer than 5", "—"]
    assert row(html, units, "Narwhal unit") == ["fewer than 5", *HIDDEN, "—"]
    # A hidden row hides its size too, or the sizes beside the total would pin the hidden down.
    assert row(html, units, "Okapi clinic") == [*HIDDEN, "not shown", "—"]


def test_the_managers_module_is_split_by_unit_among_line_managers(world):
    staff_in_units(world)
    html = figures(world)
    units = 'data-units="supporting-carers"'
    assert "By unit: line managers" in html
    # Ward 1's one manager is hidden, and Quokka's 6 managers with them, or the total would
    # give the one away.
    assert row(html, units, "Ward 1") == ["not shown", "fewer than 5", "fewer than 5", "—"]
    assert row(html, units, "Quokka ward") == [*HIDDEN, "not shown", "—"]


def test_a_group_that_would_give_away_the_others_is_hidden(world):
    """Everyone but 2 people who are not line managers passed: the managers' figure beside
    everyone's would give those 2 away, so it is hidden though its own parts are large."""
    unit = UnitFactory.create(organisation=world.org, name="Quokka ward")
    pass_(people(world.org, 8, unit=unit, manages=True), AWARE)
    pass_([world.manager_record], AWARE)
    people(world.org, 5, unit=unit, manages=True)
    pass_(people(world.org, 10, unit=unit), AWARE)
    html = figures(world)
    groups = f'data-groups="{AWARE}"'
    assert row(html, groups, "Everyone in post") == ["19", "7", "26", "73%"]
    # Managers: 9 of 14 passed; everyone else: 10 of 12 (the new manager and the carer not).
    assert row(html, groups, "Line managers") == [*HIDDEN, "not shown", "—"]


def test_a_module_for_one_group_shows_that_group_only(world):
    """Everyone's figure for the managers' module beside the managers' own would give away how
    many people who are not managers took it."""
    unit = UnitFactory.create(organisation=world.org, name="Quokka ward")
    pass_(people(world.org, 10, unit=unit, manages=True), "supporting-carers")
    people(world.org, 10, unit=unit, manages=True)
    pass_(people(world.org, 1, unit=unit), "supporting-carers")
    html = figures(world)
    groups = 'data-groups="supporting-carers"'
    assert row(html, groups, "Line managers") == ["10", "11", "21", "48%"]
    with pytest.raises(AssertionError, match="no row"):
        row(html, groups, "Everyone in post")


def test_units_of_one_that_all_went_the_same_way_are_never_pinned_down(world):
    """Two units of one person and a unit where nobody passed, beside a total: hiding the small
    ones alone would show, by subtraction, that nobody in them passed."""
    for name, not_passed in [("Auk", 1), ("Bittern", 1), ("Crane", 10)]:
        unit = UnitFactory.create(organisation=world.org, name=name)
        people(world.org, not_passed, unit=unit)
    dunlin = UnitFactory.create(organisation=world.org, name="Dunlin")
    pass_(people(world.org, 10, unit=dunlin), AWARE)
    people(world.org, 10, unit=dunlin)
    html = figures(world)
    units = f'data-units="{AWARE}"'
    for name in ("Auk", "Bittern", "Crane", "Dunlin"):
        assert row(html, units, name)[:2] != ["0", "1"]
        assert row(html, units, name)[-1] == "—", name


def test_the_page_takes_the_same_queries_however_many_learn(world, django_assert_num_queries):
    client = signed_in(world.hr_admin)
    client.get(figures_url(world))  # warm the session
    with django_assert_num_queries(17) as few:
        client.get(figures_url(world))
    staff_in_units(world)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(figures_url(world)).status_code == 200


def test_the_page_names_nobody(world):
    staff_in_units(world)
    StaffRecord.objects.filter(organisation=world.org).update(
        first_name="Zebedee", last_name="Quillfeather"
    )
    User.objects.update(first_name="Zebedee", last_name="Quillfeather")
    html = figures(world)
    assert "Zebedee" not in html
    assert "Quillfeather" not in html
    assert "@example.org" not in html.replace(world.hr_admin.email, "")
    assert "own progress or results are shown here" in html


def test_only_hr_is_offered_the_figures_from_the_learning_home(world):
    home = reverse("learning:home", args=[world.org.slug])
    link = f'href="{figures_url(world)}"'
    assert link in signed_in(world.hr_admin).get(home).content.decode()
    assert link in signed_in(world.org_admin).get(home).content.decode()
    assert link not in signed_in(world.manager).get(home).content.decode()
    assert link not in signed_in(world.champion).get(home).content.decode()


def test_the_page_refuses_post(world):
    assert signed_in(world.hr_admin).post(figures_url(world)).status_code == 405
