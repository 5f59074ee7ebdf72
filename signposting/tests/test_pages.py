"""The directory through its pages: keepers add and change entries and codes, members search
and open them, a carer sees what suits them; bad input comes back with what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from organisations.models import Organisation
from passports.services import carer_declare
from signposting.models import AccessCode, Entry, EntryArea, EntryNeed, EntryTopic
from signposting.services import Owner
from signposting.tests.helpers import TODAY, add_code, add_entry

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"signposting:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


FORM = {
    "kind": "local_centre",
    "name": "Zyxandra Plimbrook Carers Hub",
    "who_for": "Anyone caring for someone in Quorvath.",
    "how_to_get": "Phone first; they call back within a day.",
    "phone": "0113 496 0000",
    "email": "hello@plimbrook.example.org",
    "website": "https://plimbrook.example.org",
    "areas": "LS1\nLeeds",
    "topics": ["breaks", "peer"],
    "needs": ["older_age"],
    "review_by": (TODAY + timedelta(days=90)).isoformat(),
}


def test_a_champion_adds_an_entry_and_a_carer_finds_it_by_postcode(world):
    response = signed_in(world.champion).post(url(world, "entry_new"), FORM)
    assert response.status_code == 302
    entry = Entry.objects.get(name="Zyxandra Plimbrook Carers Hub")
    assert entry.organisation == world.org
    page = signed_in(world.carer).get(url(world, "directory"), {"area": "ls1 4ap"})
    assert "Zyxandra Plimbrook Carers Hub" in page.content.decode()
    elsewhere = signed_in(world.carer).get(url(world, "directory"), {"area": "M1"})
    assert "Zyxandra Plimbrook Carers Hub" not in elsewhere.content.decode()


@pytest.mark.parametrize("website", ["javascript:alert(1)", "JAVASCRIPT:alert(1)"])
def test_an_unsafe_link_is_refused_and_everything_typed_is_kept(world, website):
    response = signed_in(world.hr_admin).post(url(world, "entry_new"), {**FORM, "website": website})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "starting with https://" in page
    assert "Anyone caring for someone in Quorvath." in page
    assert 'value="Zyxandra Plimbrook Carers Hub"' in page
    assert not Entry.objects.exists()


def test_a_duplicate_entry_is_refused_beside_its_name_keeping_what_was_typed(world):
    client = signed_in(world.hr_admin)
    client.post(url(world, "entry_new"), FORM)
    response = client.post(
        url(world, "entry_new"),
        {**FORM, "name": "zyxandra plimbrook carers HUB", "phone": "07700 900123"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "already an entry called" in page
    assert 'value="07700 900123"' in page
    assert Entry.objects.count() == 1


def test_a_carer_may_not_keep_the_directory(world):
    assert signed_in(world.carer).get(url(world, "manage")).status_code == 403
    assert signed_in(world.carer).post(url(world, "entry_new"), FORM).status_code == 403


def test_keepers_see_entries_needing_a_check_first(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin, name="Aardvark fresh")
    add_entry(owner, world.hr_admin, name="Zebra stale", review_by=TODAY - timedelta(days=1))
    page = signed_in(world.hr_admin).get(url(world, "manage")).content.decode()
    assert page.index("Zebra stale") < page.index("Aardvark fresh")
    assert "Needs checking" in page


def test_an_expired_code_is_refused_keeping_what_was_typed(world):
    entry = add_entry(
        Owner(organisation=world.org), world.hr_admin, kind="digital", covers_everywhere=True
    )
    response = signed_in(world.hr_admin).post(
        url(world, "code_new", pk=entry.pk),
        {
            "code": "PLIM-7781",
            "valid_from": (TODAY - timedelta(days=30)).isoformat(),
            "valid_until": (TODAY - timedelta(days=1)).isoformat(),
            "notes": "Ask at the desk",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "last day has passed" in page
    assert 'value="PLIM-7781"' in page
    assert not AccessCode.objects.exists()


def test_a_code_for_an_organisation_that_left_is_refused_on_the_partnership_page(world):
    entry = add_entry(
        Owner(partnership=world.partnership), world.lead, kind="digital", covers_everywhere=True
    )
    client = signed_in(world.lead)
    path = reverse(
        "signposting:partnership_code_new", kwargs={"slug": world.partnership.slug, "pk": entry.pk}
    )
    assert world.other_org.name in client.get(path).content.decode()
    Organisation.objects.filter(pk=world.other_org.pk).update(partnership=None)
    response = client.post(
        path,
        {
            "code": "PLIM-7781",
            "holder": str(world.other_org.pk),
            "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer in the partnership" in page
    # The page never names an organisation outside the partnership.
    assert world.other_org.name not in page
    assert 'value="PLIM-7781"' in page
    assert not AccessCode.objects.exists()


def test_a_member_sees_the_code_their_organisation_may_use_and_nobody_else_does(world):
    entry = add_entry(
        Owner(partnership=world.partnership), world.lead, kind="digital", covers_everywhere=True
    )
    add_code(entry, world.lead, Owner(organisation=world.org), code="ONLY-HOME-123")
    ours = signed_in(world.carer).get(url(world, "entry", pk=entry.pk))
    assert "ONLY-HOME-123" in ours.content.decode()
    assert "no-store" in ours["Cache-Control"]
    theirs = signed_in(world.outsider).get(
        reverse("signposting:entry", kwargs={"org_slug": world.other_org.slug, "pk": entry.pk})
    )
    assert theirs.status_code == 200
    assert "ONLY-HOME-123" not in theirs.content.decode()
    # Never in a list.
    listed = signed_in(world.carer).get(url(world, "directory")).content.decode()
    assert entry.name in listed
    assert "ONLY-HOME-123" not in listed


def test_another_organisations_entry_is_not_found(world):
    entry = add_entry(Owner(organisation=world.other_org), world.outsider)
    assert signed_in(world.hr_admin).get(url(world, "entry", pk=entry.pk)).status_code == 404
    assert signed_in(world.hr_admin).get(url(world, "entry_edit", pk=entry.pk)).status_code == 404


def test_support_for_you_lists_what_suits_the_kinds_of_need_the_carer_chose(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin, name="For older people", needs=("older_age",))
    add_entry(owner, world.hr_admin, name="For children", needs=("child_needs",))
    before = signed_in(world.carer).get(url(world, "for_you")).content.decode()
    assert "For older people" not in before
    carer_declare(staff=world.carer_record, share_with_manager=False, by=world.carer)
    world.carer_record.carer_declaration.need_kinds = ["older_age"]
    world.carer_record.carer_declaration.save()
    page = signed_in(world.carer).get(url(world, "for_you")).content.decode()
    assert "For older people" in page
    assert "For children" not in page


def test_the_search_stays_at_the_same_number_of_queries_for_ten_and_ten_thousand_entries(world):
    def fill(count: int, start: int) -> None:
        rows = Entry.objects.bulk_create(
            Entry(
                organisation=world.org,
                kind="national",
                name=f"Entry {n:05}",
                name_key=f"entry {n:05}",
                who_for="Anyone",
                how_to_get="Ask",
                review_by=TODAY,
                covers_everywhere=n % 2 == 0,
            )
            for n in range(start, start + count)
        )
        EntryArea.objects.bulk_create(
            EntryArea(entry=row, kind="postcode_district", value="LS1") for row in rows
        )
        EntryTopic.objects.bulk_create(EntryTopic(entry=row, topic="money") for row in rows)

    client = signed_in(world.carer)
    client.get(url(world, "directory"))  # the session and the organisation, read once

    def queries(shown: int) -> int:
        with CaptureQueriesContext(connection) as done:
            response = client.get(url(world, "directory"), {"area": "LS1", "topic": "money"})
        assert response.content.decode().count('class="app-entry"') == shown
        return len(done)

    fill(10, 0)
    few = queries(10)
    fill(9_990, 10)
    assert queries(20) == few


def test_removing_an_entry_asks_first_then_takes_it_and_its_codes_away(world):
    entry = add_entry(
        Owner(organisation=world.org), world.hr_admin, kind="digital", covers_everywhere=True
    )
    add_code(entry, world.hr_admin, Owner(organisation=world.org))
    client = signed_in(world.champion)
    asked = client.get(url(world, "entry_remove", pk=entry.pk))
    assert "Remove this entry?" in asked.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert client.post(url(world, "entry_remove", pk=entry.pk)).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not AccessCode.objects.exists()


def test_a_keeper_marks_an_entry_still_right_from_the_list_and_twice_is_harmless(world):
    entry = add_entry(
        Owner(organisation=world.org), world.hr_admin, review_by=TODAY + timedelta(days=30)
    )
    Entry.objects.filter(pk=entry.pk).update(review_by=TODAY - timedelta(days=1))
    client = signed_in(world.champion)
    listed = client.get(url(world, "manage")).content.decode()
    action = url(world, "entry_confirm", pk=entry.pk)
    assert f'action="{action}"' in listed
    assert "Still right" in listed
    for _press in range(2):
        pressed = client.post(action, {"version": "1"}, follow=True)
        assert "is marked as still right" in pressed.content.decode()
    entry.refresh_from_db()
    assert (entry.review_by, entry.reviewed_on, entry.version) == (
        TODAY + timedelta(days=30),
        TODAY,
        1,
    )
    assert "Needs checking" not in client.get(url(world, "manage")).content.decode()
    assert AuditEvent.objects.filter(summary__startswith="Checked the support entry").count() == 1


def test_still_right_on_a_copy_someone_has_changed_says_so_and_changes_nothing(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    Entry.objects.filter(pk=entry.pk).update(version=2)
    response = signed_in(world.hr_admin).post(
        url(world, "entry_confirm", pk=entry.pk), {"version": "1"}, follow=True
    )
    assert "Look at it again first" in response.content.decode()
    entry.refresh_from_db()
    assert entry.reviewed_on is None


def test_the_partnerships_leads_mark_its_entries_still_right(world):
    entry = add_entry(Owner(partnership=world.partnership), world.lead)
    path = reverse(
        "signposting:partnership_entry_confirm",
        kwargs={"slug": world.partnership.slug, "pk": entry.pk},
    )
    edit = reverse(
        "signposting:partnership_entry_edit",
        kwargs={"slug": world.partnership.slug, "pk": entry.pk},
    )
    assert f'action="{path}"' in signed_in(world.lead).get(edit).content.decode()
    assert signed_in(world.hr_admin).post(path, {"version": "1"}).status_code == 404
    assert signed_in(world.lead).post(path, {"version": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.reviewed_on == TODAY


def test_saving_an_edit_page_opened_before_still_right_keeps_the_new_date(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    client = signed_in(world.hr_admin)
    opened = client.get(url(world, "entry_edit", pk=entry.pk)).content.decode()
    assert f'name="review_by_shown" value="{entry.review_by.isoformat()}"' in opened
    signed_in(world.champion).post(url(world, "entry_confirm", pk=entry.pk), {"version": "1"})
    form = {
        **FORM,
        "name": entry.name,
        "version": "1",
        "review_by": entry.review_by.isoformat(),
        "review_by_shown": entry.review_by.isoformat(),
        "phone": "0113 496 0222",
    }
    assert client.post(url(world, "entry_edit", pk=entry.pk), form).status_code == 302
    entry.refresh_from_db()
    assert entry.phone == "0113 496 0222"
    assert entry.review_by == TODAY + timedelta(days=180)
    assert entry.reviewed_on == TODAY


def _for_you_carer(world) -> Client:
    carer_declare(staff=world.carer_record, share_with_manager=False, by=world.carer)
    world.carer_record.carer_declaration.need_kinds = ["older_age"]
    world.carer_record.carer_declaration.save()
    return signed_in(world.carer)


def _suited(world, count: int, start: int) -> None:
    rows = Entry.objects.bulk_create(
        Entry(
            organisation=world.org,
            kind="national",
            name=f"Suited {n:05}",
            name_key=f"suited {n:05}",
            who_for="Anyone",
            how_to_get="Ask",
            review_by=TODAY,
            covers_everywhere=True,
        )
        for n in range(start, start + count)
    )
    EntryNeed.objects.bulk_create(EntryNeed(entry=row, need="older_age") for row in rows)
    EntryTopic.objects.bulk_create(EntryTopic(entry=row, topic="money") for row in rows)


def test_support_for_you_comes_a_page_at_a_time(world):
    client = _for_you_carer(world)
    _suited(world, 25, 0)
    first = client.get(url(world, "for_you")).content.decode()
    assert first.count('class="app-entry"') == 20
    assert "Suited 00000" in first
    assert "?page=2" in first
    second = client.get(url(world, "for_you"), {"page": "2"}).content.decode()
    assert second.count('class="app-entry"') == 5
    assert "Suited 00024" in second
    past = client.get(url(world, "for_you"), {"page": "9"}).content.decode()
    assert "There are no more entries to show." in past


def test_support_for_you_is_the_same_number_of_queries_for_few_and_many_entries(world):
    client = _for_you_carer(world)
    client.get(url(world, "for_you"))  # the session and the organisation, read once

    def queries(shown: int) -> int:
        with CaptureQueriesContext(connection) as done:
            response = client.get(url(world, "for_you"))
        assert response.content.decode().count('class="app-entry"') == shown
        return len(done)

    _suited(world, 3, 0)
    few = queries(3)
    _suited(world, 2_000, 3)
    assert queries(20) == few


def test_the_keepers_list_is_the_same_number_of_queries_for_few_and_many_entries(world):
    client = signed_in(world.hr_admin)
    client.get(url(world, "manage"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url(world, "manage")).status_code == 200
        return len(done)

    _suited(world, 3, 0)
    few = queries()
    _suited(world, 500, 3)
    assert queries() == few
