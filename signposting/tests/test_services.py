"""The directory's rules, through its services and selectors: who keeps what, duplicates,
safe links, areas, access codes and who is entitled to see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, PartnershipFactory
from shared.writes import EditConflict, RuleError
from signposting.models import DEFAULT_REVIEW_DAYS, AreaKind, Entry, EntryArea
from signposting.places import PlaceError, place
from signposting.selectors import Search, codes_for, search_entries, visible_entries
from signposting.services import Owner, entry_confirm, entry_update, review_period
from signposting.tests.helpers import TODAY, add_code, add_entry, details

pytestmark = pytest.mark.django_db


def test_a_postcode_is_cut_to_its_district_and_a_place_name_is_a_local_authority():
    assert place("ls1 4ap") == (AreaKind.POSTCODE_DISTRICT, "LS1")
    assert place("SW1A1AA") == (AreaKind.POSTCODE_DISTRICT, "SW1A")
    assert place(" sw1a ") == (AreaKind.POSTCODE_DISTRICT, "SW1A")
    assert place("King's   Lynn") == (AreaKind.LOCAL_AUTHORITY, "KING'S LYNN")
    with pytest.raises(PlaceError):
        place("12345")


def test_hr_champions_and_admins_keep_the_organisations_entries_and_nobody_else(world):
    owner = Owner(organisation=world.org)
    for keeper in (world.hr_admin, world.org_admin, world.champion):
        add_entry(owner, keeper, name=f"Entry by {keeper.email}")
    for other in (world.carer, world.manager, world.sponsor, world.outsider, world.lead):
        with pytest.raises(PermissionDenied):
            add_entry(owner, other, name="Not theirs")
    # Someone who has left holds none of their roles.
    with pytest.raises(PermissionDenied):
        add_entry(owner, world.leaver, name="Left")


def test_only_the_partnerships_leads_keep_its_entries(world):
    owner = Owner(partnership=world.partnership)
    add_entry(owner, world.lead)
    with pytest.raises(PermissionDenied):
        add_entry(owner, world.hr_admin, name="Not a lead")


def test_the_same_name_twice_for_one_owner_is_refused_whatever_its_case_and_spacing(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin)
    with pytest.raises(RuleError) as refused:
        add_entry(owner, world.hr_admin, name="  quorvath   CARERS centre ")
    assert refused.value.code == "duplicate_entry"
    assert refused.value.field == "name"
    # Another owner may list the same place.
    add_entry(Owner(partnership=world.partnership), world.lead)


def test_renaming_an_entry_to_another_entrys_name_is_refused(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin)
    second = add_entry(owner, world.hr_admin, name="Second place")
    with pytest.raises(RuleError) as refused:
        entry_update(
            entry=second,
            by=world.hr_admin,
            details=details(name="QUORVATH carers centre"),
            expected_version=second.version,
        )
    assert refused.value.code == "duplicate_entry"


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<b>hi</b>",
        "ftp://files.example.org/guide.pdf",
        "//example.org/no-scheme",
        "https://exa mple.org",
        "www.example.org",
    ],
)
def test_only_http_and_https_links_are_kept(world, website):
    with pytest.raises(RuleError) as refused:
        add_entry(Owner(organisation=world.org), world.hr_admin, website=website)
    assert refused.value.code == "unsafe_link"
    assert refused.value.field == "website"
    assert not Entry.objects.exists()


def test_an_entry_must_say_where_it_is_available(world):
    with pytest.raises(RuleError) as refused:
        add_entry(Owner(organisation=world.org), world.hr_admin, areas="", covers_everywhere=False)
    assert refused.value.field == "areas"
    add_entry(Owner(organisation=world.org), world.hr_admin, areas="", covers_everywhere=True)


def test_an_area_that_is_neither_a_postcode_nor_a_place_is_refused_with_what_was_typed(world):
    with pytest.raises(RuleError) as refused:
        add_entry(Owner(organisation=world.org), world.hr_admin, areas="LS1\n#42!")
    assert refused.value.field == "areas"
    assert "#42!" in refused.value.message


def test_saving_an_entry_unchanged_writes_nothing(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    events = AuditEvent.objects.count()
    changed = entry_update(
        entry=entry,
        by=world.hr_admin,
        details=details(areas="leeds\nls1"),
        expected_version=entry.version,
    )
    assert changed is False
    entry.refresh_from_db()
    assert entry.version == 1
    assert AuditEvent.objects.count() == events


def test_an_edit_from_an_older_copy_is_a_conflict(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    entry_update(
        entry=entry, by=world.champion, details=details(phone="0113 496 0001"), expected_version=1
    )
    with pytest.raises(EditConflict):
        entry_update(
            entry=entry,
            by=world.hr_admin,
            details=details(phone="0113 496 0002"),
            expected_version=1,
        )


def test_an_area_search_finds_entries_there_and_those_available_everywhere(world):
    owner = Owner(organisation=world.org)
    local = add_entry(owner, world.hr_admin, areas="LS1")
    everywhere = add_entry(
        owner, world.hr_admin, name="National line", areas="", covers_everywhere=True
    )
    add_entry(owner, world.hr_admin, name="Elsewhere", areas="M1")
    found = search_entries(organisation=world.org, search=Search(area=place("LS1 4AP")))
    assert list(found) == [everywhere, local]
    by_topic = search_entries(organisation=world.org, search=Search(topic="money"))
    assert list(by_topic) == []


def test_members_see_their_organisations_entries_and_their_partnerships_only(world):
    own = add_entry(Owner(organisation=world.org), world.hr_admin, name="Ours")
    shared = add_entry(Owner(partnership=world.partnership), world.lead, name="Shared")
    theirs = add_entry(Owner(organisation=world.other_org), world.outsider, name="Theirs")
    assert set(visible_entries(organisation=world.org)) == {own, shared}
    assert set(visible_entries(organisation=world.other_org)) == {theirs, shared}
    stranger = OrganisationFactory.create(partnership=PartnershipFactory.create())
    assert list(visible_entries(organisation=stranger)) == []


def _digital(world, owner: Owner, by) -> Entry:
    return add_entry(owner, by, kind="digital", name="Quorvath online", covers_everywhere=True)


def test_a_code_whose_last_day_has_passed_is_refused(world):
    entry = _digital(world, Owner(organisation=world.org), world.hr_admin)
    with pytest.raises(RuleError) as refused:
        add_code(
            entry,
            world.hr_admin,
            Owner(organisation=world.org),
            valid_from=TODAY - timedelta(days=30),
            valid_until=TODAY - timedelta(days=1),
        )
    assert refused.value.code == "expired_code"
    assert refused.value.field == "valid_until"


def test_only_a_digital_resource_has_codes(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    with pytest.raises(RuleError) as refused:
        add_code(entry, world.hr_admin, Owner(organisation=world.org))
    assert refused.value.code == "not_digital"


def test_a_code_for_an_organisation_that_left_the_partnership_is_refused(world):
    entry = _digital(world, Owner(partnership=world.partnership), world.lead)
    Organisation.objects.filter(pk=world.other_org.pk).update(partnership=None)
    with pytest.raises(RuleError) as refused:
        add_code(entry, world.lead, Owner(organisation=world.other_org))
    assert refused.value.code == "not_in_partnership"
    assert refused.value.field == "holder"


def test_the_audit_says_a_code_was_added_and_never_the_code(world):
    entry = _digital(world, Owner(organisation=world.org), world.hr_admin)
    add_code(entry, world.hr_admin, Owner(organisation=world.org), code="SECRET-ZYX-991")
    summaries = list(AuditEvent.objects.values_list("summary", "changes"))
    assert any("Added an access code" in s for s, _c in summaries)
    assert not any("SECRET-ZYX-991" in s or "SECRET-ZYX-991" in str(c) for s, c in summaries)


def test_a_partnership_code_is_for_its_member_organisations_while_they_are_members(world):
    entry = _digital(world, Owner(partnership=world.partnership), world.lead)
    code = add_code(entry, world.lead, Owner(partnership=world.partnership))
    assert codes_for(entry=entry, organisation=world.org, today=TODAY) == [code]
    assert codes_for(entry=entry, organisation=world.other_org, today=TODAY) == [code]
    # The other organisation leaves: the entry and its code are gone for it at once.
    Organisation.objects.filter(pk=world.other_org.pk).update(partnership=None)
    world.other_org.refresh_from_db()
    assert codes_for(entry=entry, organisation=world.other_org, today=TODAY) == []
    assert entry not in visible_entries(organisation=world.other_org)
    assert codes_for(entry=entry, organisation=world.org, today=TODAY) == [code]


def test_an_organisations_code_is_for_its_own_staff_only(world):
    entry = _digital(world, Owner(partnership=world.partnership), world.lead)
    code = add_code(entry, world.lead, Owner(organisation=world.org))
    assert codes_for(entry=entry, organisation=world.org, today=TODAY) == [code]
    assert codes_for(entry=entry, organisation=world.other_org, today=TODAY) == []


def test_a_code_shows_from_its_first_day_to_its_last_and_not_after(world):
    entry = _digital(world, Owner(organisation=world.org), world.hr_admin)
    code = add_code(
        entry,
        world.hr_admin,
        Owner(organisation=world.org),
        valid_from=TODAY + timedelta(days=1),
        valid_until=TODAY + timedelta(days=10),
    )
    assert codes_for(entry=entry, organisation=world.org, today=TODAY) == []
    for day in (1, 10):
        shown = codes_for(entry=entry, organisation=world.org, today=TODAY + timedelta(days=day))
        assert shown == [code]
    assert codes_for(entry=entry, organisation=world.org, today=TODAY + timedelta(days=11)) == []


def test_an_organisations_entry_has_codes_for_that_organisation_only(world):
    entry = _digital(world, Owner(organisation=world.org), world.hr_admin)
    with pytest.raises(RuleError) as refused:
        add_code(entry, world.hr_admin, Owner(partnership=world.partnership))
    assert refused.value.code == "wrong_holder"


def test_areas_are_kept_upper_case_once_each(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin, areas="ls1 4ap\nLS1\nleeds")
    assert sorted(EntryArea.objects.filter(entry=entry).values_list("value", flat=True)) == [
        "LEEDS",
        "LS1",
    ]


def test_a_resource_with_codes_keeps_its_kind_until_they_are_removed(world):
    owner = Owner(organisation=world.org)
    entry = add_entry(owner, world.hr_admin, kind="digital", name="Zyxandra Online")
    add_code(entry, world.hr_admin, owner)

    with pytest.raises(RuleError) as refused:
        entry_update(
            entry=entry,
            by=world.hr_admin,
            details=details(kind="guide", name="Zyxandra Online"),
            expected_version=entry.version,
        )

    assert refused.value.field == "kind"
    entry.refresh_from_db()
    assert entry.kind == "digital"


def test_a_code_on_an_entry_that_is_no_longer_digital_is_never_shown(world):
    owner = Owner(organisation=world.org)
    entry = add_entry(owner, world.hr_admin, kind="digital", name="Zyxandra Online")
    add_code(entry, world.hr_admin, owner)
    Entry.objects.filter(pk=entry.pk).update(kind="guide")

    assert codes_for(entry=entry, organisation=world.org, today=TODAY) == []


def test_a_name_that_folds_longer_is_kept(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin, name="ß" * 200)

    assert len(entry.name_key) == 400


# --- "Still right" -----------------------------------------------------------------------


def test_still_right_moves_the_date_on_by_the_period_chosen_when_the_entry_was_made(world):
    entry = add_entry(Owner(organisation=world.org), world.champion)
    assert entry.review_days == 180
    entry.refresh_from_db()
    before = Entry.objects.values().get(pk=entry.pk)
    later = TODAY + timedelta(days=200)

    assert entry_confirm(entry=entry, by=world.hr_admin, expected_version=1, today=later)

    after = Entry.objects.values().get(pk=entry.pk)
    assert after["review_by"] == later + timedelta(days=180)
    assert after["reviewed_on"] == later
    # Nothing the entry says, not its version, not when it last changed.
    moved = {"review_by", "reviewed_on"}
    assert {k: v for k, v in after.items() if k not in moved} == {
        k: v for k, v in before.items() if k not in moved
    }
    assert AuditEvent.objects.filter(
        summary=f"Checked the support entry is still right: {entry.name}"
    ).exists()


def test_still_right_twice_in_a_day_writes_once_and_never_brings_the_date_closer(world):
    entry = add_entry(
        Owner(organisation=world.org), world.champion, review_by=TODAY + timedelta(days=30)
    )
    assert entry.review_days == 30
    assert entry_confirm(entry=entry, by=world.champion, expected_version=1, today=TODAY)
    events = AuditEvent.objects.count()
    assert not entry_confirm(entry=entry, by=world.champion, expected_version=1, today=TODAY)
    assert AuditEvent.objects.count() == events
    entry.refresh_from_db()
    assert entry.review_by == TODAY + timedelta(days=30)
    # A date a keeper set further off stays.
    far = TODAY + timedelta(days=400)
    Entry.objects.filter(pk=entry.pk).update(review_by=far)
    entry.refresh_from_db()
    entry_confirm(entry=entry, by=world.champion, expected_version=1, today=TODAY + timedelta(1))
    entry.refresh_from_db()
    assert entry.review_by == far


def test_a_check_by_date_in_the_past_gives_the_default_period():
    assert review_period(added=TODAY, review_by=TODAY) == DEFAULT_REVIEW_DAYS
    assert review_period(added=TODAY, review_by=TODAY - timedelta(days=3)) == DEFAULT_REVIEW_DAYS
    assert review_period(added=TODAY, review_by=TODAY + timedelta(days=7)) == 7


def test_still_right_on_a_copy_someone_has_changed_is_refused_and_only_keepers_may(world):
    entry = add_entry(Owner(organisation=world.org), world.champion)
    entry_update(entry=entry, by=world.hr_admin, details=details(phone="1"), expected_version=1)
    with pytest.raises(EditConflict):
        entry_confirm(entry=entry, by=world.champion, expected_version=1, today=TODAY)
    for someone in (world.carer, world.sponsor, world.leaver, world.outsider, world.lead):
        with pytest.raises(PermissionDenied):
            entry_confirm(entry=entry, by=someone, expected_version=2, today=TODAY)
    entry.refresh_from_db()
    assert entry.reviewed_on is None


def test_an_edit_from_a_page_opened_before_still_right_saves_and_keeps_the_new_date(world):
    entry = add_entry(Owner(organisation=world.org), world.champion)
    shown = entry.review_by
    later = TODAY + timedelta(days=10)
    entry_confirm(entry=entry, by=world.hr_admin, expected_version=1, today=later)
    # The other keeper's page still says version 1 and the old date; they change the phone.
    assert entry_update(
        entry=entry,
        by=world.champion,
        details=details(phone="0113 496 0111"),
        expected_version=1,
        review_by_shown=shown,
    )
    entry.refresh_from_db()
    assert entry.phone == "0113 496 0111"
    assert entry.review_by == later + timedelta(days=180)
    # A date the editor typed themselves is theirs.
    mine = TODAY + timedelta(days=20)
    entry_update(
        entry=entry,
        by=world.champion,
        details=details(phone="0113 496 0111", review_by=mine),
        expected_version=2,
        review_by_shown=shown,
    )
    entry.refresh_from_db()
    assert entry.review_by == mine
