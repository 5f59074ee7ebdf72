"""The support directory's measures: entries staff can find by kind, the areas named, those
past their check-by date, peer support and unlockable digital resources, read through
signposting.public as counts of entries (never of people, so never hidden)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.frameworks import frameworks
from benchmarks.measures import (
    directory_access_codes,
    directory_areas,
    directory_checked,
    directory_entries,
    directory_peer_support,
)
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, PartnershipFactory
from signposting.models import AccessCode, Entry, EntryArea, EntryTopic
from signposting.public import directory_coverage

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def _entry(
    name: str,
    *,
    organisation: Organisation | None = None,
    partnership=None,
    kind: str = "national",
    areas: tuple[str, ...] = (),
    topics: tuple[str, ...] = ("money",),
    review_by: date = TODAY + timedelta(days=30),
) -> Entry:
    entry = Entry.objects.create(
        organisation=organisation,
        partnership=partnership,
        kind=kind,
        name=name,
        name_key=name.casefold(),
        who_for="Anyone",
        how_to_get="Ask",
        covers_everywhere=not areas,
        review_by=review_by,
    )
    EntryArea.objects.bulk_create(
        EntryArea(entry=entry, kind="postcode_district", value=area) for area in areas
    )
    EntryTopic.objects.bulk_create(EntryTopic(entry=entry, topic=topic) for topic in topics)
    return entry


def test_an_empty_directory_says_so():
    organisation = OrganisationFactory.create()

    assert directory_entries(organisation, TODAY).display == "None yet"
    assert directory_checked(organisation, TODAY).display == "No entries yet"
    assert directory_areas(organisation, TODAY).value == 0
    assert directory_access_codes(organisation, TODAY).value == 0


def test_entries_staff_can_find_are_counted_by_kind_with_the_partnerships_and_small_numbers_shown():
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership)
    _entry("Helpline", organisation=organisation)
    _entry("Our offer", organisation=organisation, kind="own_offer", areas=("LS1",))
    _entry("Centre", partnership=partnership, kind="local_centre", areas=("LS1", "LS2"))
    _entry("Elsewhere", organisation=OrganisationFactory.create(), kind="guide", areas=("M1",))
    _entry("Other partnership", partnership=PartnershipFactory.create())

    measurement = directory_entries(organisation, TODAY)

    # Counts of entries, not of people: 3 is shown, not hidden as "fewer than 5".
    assert measurement.value == 3
    assert measurement.display == (
        "3 entries: 1 national organisation, 1 local carers' centre, "
        "1 offer of the organisation's own"
    )
    areas = directory_areas(organisation, TODAY)
    assert areas.value == 2
    assert areas.display == "2 areas named; 1 entry available everywhere in the UK"


def test_leaving_the_partnership_takes_its_entries_out_of_the_figures_at_once():
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership)
    _entry("Centre", partnership=partnership, kind="local_centre")
    assert directory_entries(organisation, TODAY).value == 1

    Organisation.objects.filter(pk=organisation.pk).update(partnership=None)
    organisation.refresh_from_db()

    assert directory_entries(organisation, TODAY).value == 0


def test_entries_past_their_check_by_date_are_counted():
    organisation = OrganisationFactory.create()
    _entry("Fresh", organisation=organisation)
    _entry("Due today", organisation=organisation, review_by=TODAY)
    _entry("Late", organisation=organisation, review_by=TODAY - timedelta(days=1))

    measurement = directory_checked(organisation, TODAY)

    assert measurement.value == 1
    assert measurement.display == "1 of 3 past their check-by date"


def test_peer_support_and_digital_resources_with_a_code_usable_today():
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership)
    neighbour = OrganisationFactory.create(partnership=partnership)
    _entry("Group", organisation=organisation, topics=("peer", "breaks"))
    _entry("Forum", partnership=partnership, kind="digital", topics=("peer",))
    ours = _entry("Ours", partnership=partnership, kind="digital", topics=("wellbeing",))
    theirs = _entry("Theirs", partnership=partnership, kind="digital", topics=("wellbeing",))
    lapsed = _entry("Lapsed", organisation=organisation, kind="digital")
    for entry, holder in ((ours, organisation), (theirs, neighbour), (lapsed, organisation)):
        AccessCode.objects.create(
            entry=entry,
            code="CODE",
            organisation=holder,
            valid_from=TODAY - timedelta(days=10),
            valid_until=TODAY - timedelta(days=1) if entry is lapsed else TODAY,
        )

    assert directory_peer_support(organisation, TODAY).value == 2
    codes = directory_access_codes(organisation, TODAY)
    assert codes.value == 1
    assert codes.display == "1 digital resource with an access code for staff here"


def test_the_figures_are_one_query_however_large_the_directory():
    organisation = OrganisationFactory.create()

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            directory_coverage(organisation=organisation, today=TODAY)
        return len(done)

    _entry("One", organisation=organisation, areas=("LS1",))
    assert queries() == 1
    for n in range(30):
        _entry(f"More {n}", organisation=organisation, areas=(f"LS{n}",), topics=("peer",))
    assert queries() == 1


def test_the_frameworks_show_the_directory_on_their_information_and_peer_support_requirements():
    wired = {
        (framework.slug, requirement.key, name)
        for framework in frameworks().values()
        for _criterion, requirement in framework.requirements()
        for name in requirement.measures
        if name.startswith("directory_")
    }

    assert wired == {
        ("carer-positive", "support-information", "directory_entries"),
        ("carer-positive", "support-information", "directory_areas"),
        ("carer-positive", "support-information", "directory_checked"),
        ("carer-positive", "peer-signposting", "directory_peer_support"),
        ("carer-positive", "communication-all-staff", "directory_entries"),
        ("carer-confident", "practice-journey", "directory_entries"),
        ("carer-confident", "promoting-organisation", "directory_entries"),
        ("carer-confident", "practice-journey", "directory_checked"),
        ("carer-confident", "peer-support-connect", "directory_peer_support"),
        ("efc-action-list", "efc-digital-resource", "directory_access_codes"),
    }
