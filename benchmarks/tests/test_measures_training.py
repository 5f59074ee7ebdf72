"""Training measures: who passed the learning modules, as shares with small numbers hidden
(docs/trust-rules.md, rule 4), counted in one query however many people learn."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from benchmarks.measures import champions_trained, managers_trained, staff_carer_aware
from learning import public as learning_public
from learning.content import modules
from learning.tests.learners import pass_, people, start
from organisations.models import Role, StaffStatus
from organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
HIDDEN = "Too few to show (fewer than 5 in a group)"

# Each measure, the module it counts, and how to make someone of the group it counts.
MEASURES = [
    pytest.param(
        managers_trained,
        "supporting-carers",
        {"manages": True},
        "line managers passed",
        id="managers",
    ),
    pytest.param(staff_carer_aware, "carer-aware", {}, "staff passed", id="staff"),
    pytest.param(
        champions_trained,
        "carer-aware",
        {"role": Role.CHAMPION},
        "carer champions passed",
        id="champions",
    ),
]


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
def test_the_share_who_passed_is_shown(measure, module, kind, what):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 6, **kind), module)
    start(people(organisation, 4, **kind), module)
    people(organisation, 5, **kind)
    pass_(people(OrganisationFactory.create(), 5, **kind), module)
    measurement = measure(organisation, TODAY)
    assert (measurement.value, measurement.display) == (40, f"40% of 15 {what}")
    assert measurement.measured_on == TODAY


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
@pytest.mark.parametrize(("passed", "not_passed"), [(1, 10), (4, 10), (10, 3), (2, 0)])
def test_one_to_four_on_either_side_hides_the_share(
    measure, module, kind, what, passed, not_passed
):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, passed, **kind), module)
    people(organisation, not_passed, **kind)
    measurement = measure(organisation, TODAY)
    assert (measurement.value, measurement.display) == (None, HIDDEN)


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
def test_nobody_in_the_group_is_none_yet(measure, module, kind, what):
    measurement = measure(OrganisationFactory.create(), TODAY)
    assert (measurement.value, measurement.display) == (None, "None yet")


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
def test_a_pass_on_a_withdrawn_version_is_not_counted(measure, module, kind, what, monkeypatch):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 5, **kind), module, version=1)
    pass_(people(organisation, 5, **kind), module, version=2)
    newer = replace(modules()[module], version=2, withdrawn={1: "it gave a wrong date."})
    monkeypatch.setattr(learning_public, "find_module", lambda **kw: newer)
    assert measure(organisation, TODAY).value == 50


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
def test_a_leaver_is_not_counted(measure, module, kind, what):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 5, **kind), module)
    people(organisation, 5, **kind)
    pass_(people(organisation, 3, status=StaffStatus.LEFT, **kind), module)
    assert measure(organisation, TODAY).display == f"50% of 10 {what}"


def test_managers_are_those_who_manage_someone_in_post_and_staff_need_an_account():
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 5, manages=True), "supporting-carers")
    pass_(people(organisation, 7), "supporting-carers")  # manage nobody
    people(organisation, 5, manages=True)
    people(organisation, 9, account=False)
    assert managers_trained(organisation, TODAY).display == "50% of 10 line managers passed"


@pytest.mark.parametrize(("measure", "module", "kind", "what"), MEASURES)
def test_one_query_however_many_learn(measure, module, kind, what, django_assert_num_queries):
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 5, **kind), module)
    people(organisation, 5, **kind)
    # Champions are counted beside everyone (one more query), the others on their own.
    queries = 2 if measure is champions_trained else 1
    with django_assert_num_queries(queries):
        few = measure(organisation, TODAY)
    pass_(people(organisation, 15, **kind), module)
    people(organisation, 5, **kind)
    with django_assert_num_queries(queries):
        many = measure(organisation, TODAY)
    assert (few.value, many.value) == (50, 67)


def test_champions_are_hidden_when_the_staff_who_are_not_champions_would_be_few():
    """Everyone's Carer Aware figure sits beside the champions' on the same assessment: 3
    non-champions who did not pass would be given away by subtraction."""
    organisation = OrganisationFactory.create()
    pass_(people(organisation, 6, role=Role.CHAMPION), "carer-aware")
    people(organisation, 6, role=Role.CHAMPION)
    people(organisation, 3)
    assert champions_trained(organisation, TODAY).value is None
    assert staff_carer_aware(organisation, TODAY).value == 40
