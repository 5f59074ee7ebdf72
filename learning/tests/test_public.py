"""learning.public: numbers for other apps, counted in the database, never one person's row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from learning import public
from learning.content import modules
from learning.public import Completion, Group, completion, completion_by_unit
from learning.tests.learners import pass_, people, start
from organisations.models import Role, StaffStatus
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory

pytestmark = pytest.mark.django_db

AWARE = "carer-aware"
MANAGERS = "supporting-carers"


def test_everyone_in_post_with_an_account_is_counted_and_passes_are_theirs():
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 3), AWARE)
    start(people(organisation, 2), AWARE)
    people(organisation, 4)
    pass_(people(organisation, 2), MANAGERS)  # another module: not a pass of this one
    got = completion(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert got == Completion(passed=3, total=11)
    assert got.not_passed == 8


def test_leavers_people_without_accounts_and_other_organisations_are_not_counted():
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 5), AWARE)
    pass_(people(organisation, 2, status=StaffStatus.LEFT), AWARE)
    people(organisation, 3, account=False)
    pass_(people(OrganisationFactory.create(), 4), AWARE)
    got = completion(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert got == Completion(passed=5, total=5)


def test_a_pass_on_a_withdrawn_version_no_longer_counts(monkeypatch):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 6), AWARE, version=1)
    pass_(people(organisation, 5), AWARE, version=2)
    newer = replace(modules()[AWARE], version=2, withdrawn={1: "it gave a wrong date."})
    monkeypatch.setattr(public, "find_module", lambda **kw: newer)
    got = completion(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert got == Completion(passed=5, total=11)
    by_unit = completion_by_unit(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert [row.completion for row in by_unit] == [Completion(passed=5, total=11)]


def test_line_managers_are_people_in_post_who_manage_someone_in_post():
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 2, manages=True), MANAGERS)
    people(organisation, 3, manages=True)
    pass_(people(organisation, 4), MANAGERS)  # manage nobody
    # Someone whose only report has left manages nobody.
    (former,) = people(organisation, 1)
    StaffRecordFactory.create(
        organisation=organisation, line_manager=former, status=StaffStatus.LEFT
    )
    # A manager who has left is counted nowhere.
    pass_(people(organisation, 1, manages=True, status=StaffStatus.LEFT), MANAGERS)
    got = completion(organisation=organisation, module_slug=MANAGERS, among=Group.MANAGERS)
    assert got == Completion(passed=2, total=5)


def test_champions_are_people_in_post_holding_the_role():
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 2, role=Role.CHAMPION), AWARE)
    people(organisation, 1, role=Role.CHAMPION)
    pass_(people(organisation, 3, role=Role.CHAMPION, status=StaffStatus.LEFT), AWARE)
    pass_(people(organisation, 3, role=Role.SPONSOR), AWARE)
    got = completion(organisation=organisation, module_slug=AWARE, among=Group.CHAMPIONS)
    assert got == Completion(passed=2, total=3)


def test_by_unit_adds_up_to_the_whole_with_people_on_no_unit_last():
    organisation = OrganisationFactory.create()
    ward, clinic = (
        UnitFactory.create(organisation=organisation, name="Zephyr ward"),
        UnitFactory.create(organisation=organisation, name="Aubergine clinic"),
    )
    pass_(people(organisation, 3, unit=ward), AWARE)
    people(organisation, 2, unit=ward)
    pass_(people(organisation, 1, unit=clinic), AWARE)
    people(organisation, 2)
    UnitFactory.create(organisation=organisation, name="Empty unit")
    rows = completion_by_unit(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert [(r.unit_name, r.completion) for r in rows] == [
        ("Aubergine clinic", Completion(passed=1, total=1)),
        ("Zephyr ward", Completion(passed=3, total=5)),
        ("", Completion(passed=0, total=2)),
    ]
    assert rows[-1].unit_id is None
    whole = completion(organisation=organisation, module_slug=AWARE, among=Group.EVERYONE)
    assert sum(r.completion.passed for r in rows) == whole.passed
    assert sum(r.completion.total for r in rows) == whole.total


@pytest.mark.parametrize("among", list(Group))
@pytest.mark.parametrize("n", [2, 12])
def test_each_figure_is_one_query_however_many_staff(among, n, django_assert_num_queries):
    organisation = OrganisationFactory.create()
    units = [UnitFactory.create(organisation=organisation) for _ in range(3)]
    for index in range(n):
        pass_(
            people(organisation, 1, unit=units[index % 3], role=Role.CHAMPION, manages=True), AWARE
        )
    with django_assert_num_queries(1):
        got = completion(organisation=organisation, module_slug=AWARE, among=among)
    assert got == Completion(passed=n, total=n)
    with django_assert_num_queries(1):
        rows = completion_by_unit(organisation=organisation, module_slug=AWARE, among=among)
    assert sum(r.completion.passed for r in rows) == n


def test_an_unknown_module_is_a_mistake_in_the_caller():
    with pytest.raises(ValueError, match="nope"):
        completion(
            organisation=OrganisationFactory.create(), module_slug="nope", among=Group.EVERYONE
        )
