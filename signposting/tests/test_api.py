"""The directory through the API: the same entries as the pages, filters that say what was
wrong, access codes only to a member with a personal token, as entitled today, and the
organisation's keepers writing its entries under the pages' rules."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.services import api_token_create
from api.tests.helpers import API
from audit.models import AuditEvent, Channel
from organisations.models import Organisation
from signposting.models import AccessCode, Entry
from signposting.services import Owner
from signposting.tests.helpers import TODAY, add_code, add_entry
from signposting.tests.test_pages import signed_in

pytestmark = pytest.mark.django_db
BASE = f"{API}/signposting"


def token_client(user, organisation, *, personal: bool) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_list_filters_by_area_and_topic_and_refuses_a_place_it_cannot_read(world):
    owner = Owner(organisation=world.org)
    add_entry(owner, world.hr_admin, name="In Leeds", areas="Leeds", topics=("money",))
    add_entry(owner, world.hr_admin, name="In Manchester", areas="M1", topics=("money",))
    client = token_client(world.carer, world.org, personal=True)
    found = client.get(f"{BASE}/entries", {"area": "leeds", "topic": "money"})
    assert found.status_code == 200
    assert [e["name"] for e in found.json()["items"]] == ["In Leeds"]
    assert found.json()["items"][0]["areas"] == [{"kind": "local_authority", "value": "LEEDS"}]
    bad = client.get(f"{BASE}/entries", {"area": "#!"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "bad_area"


def test_a_page_of_the_list_is_the_same_queries_for_few_and_many_entries(world):
    owner = Owner(organisation=world.org)
    client = token_client(world.hr_admin, world.org, personal=False)

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(f"{BASE}/entries").status_code == 200
        return len(done)

    client.get(f"{BASE}/entries")  # the token's first use is noted once
    add_entry(owner, world.hr_admin, name="First")
    one = queries()
    for n in range(5):
        add_entry(owner, world.hr_admin, name=f"More {n}")
    assert queries() == one


def test_codes_go_only_to_an_entitled_member_with_a_personal_token(world):
    entry = add_entry(
        Owner(partnership=world.partnership), world.lead, kind="digital", covers_everywhere=True
    )
    add_code(entry, world.lead, Owner(partnership=world.partnership), code="PLIM-2231")
    path = f"{BASE}/entries/{entry.pk}"
    personal = token_client(world.carer, world.org, personal=True).get(path).json()
    assert [c["code"] for c in personal["access_codes"]] == ["PLIM-2231"]
    system = token_client(world.hr_admin, world.org, personal=False).get(path)
    assert system.status_code == 200
    assert system.json()["access_codes"] == []
    assert "PLIM-2231" not in system.content.decode()
    outsider = token_client(world.outsider, world.other_org, personal=True)
    assert [c["code"] for c in outsider.get(path).json()["access_codes"]] == ["PLIM-2231"]
    # The outsider's organisation leaves the partnership: the entry is gone for it at once.
    Organisation.objects.filter(pk=world.other_org.pk).update(partnership=None)
    assert outsider.get(path).status_code == 404


def test_another_organisations_entry_is_not_found(world):
    entry = add_entry(Owner(organisation=world.other_org), world.outsider)
    client = token_client(world.carer, world.org, personal=True)
    assert client.get(f"{BASE}/entries/{entry.pk}").status_code == 404


# --- Writes -------------------------------------------------------------------------------

NEW = {
    "kind": "local_centre",
    "name": "Plimbrook Carers Hub",
    "who_for": "Anyone caring for someone in Quorvath.",
    "how_to_get": "Phone first; they call back within a day.",
    "phone": "0113 496 0000",
    "website": "https://plimbrook.example.org",
    "areas": ["LS1 4AP", "Leeds"],
    "topics": ["breaks", "peer"],
    "needs": ["older_age"],
    "review_by": (TODAY + timedelta(days=90)).isoformat(),
}


def _send(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


def test_a_keeper_adds_an_entry_through_the_api_and_it_is_audited(world):
    client = token_client(world.hr_admin, world.org, personal=False)
    response = client.post(f"{BASE}/entries", NEW, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["owner"] == "organisation"
    assert body["areas"] == [
        {"kind": "local_authority", "value": "LEEDS"},
        {"kind": "postcode_district", "value": "LS1"},
    ]
    entry = Entry.objects.get(pk=body["id"])
    assert entry.organisation == world.org
    assert entry.review_days == 90
    event = AuditEvent.objects.get(summary="Added the support entry: Plimbrook Carers Hub")
    assert event.channel == Channel.API
    assert event.actor == world.hr_admin


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr_admin", 201),
        ("org_admin", 201),
        ("champion", 201),
        ("carer", 403),
        ("manager", 403),
        ("sponsor", 403),
        ("leaver", 401),
    ],
)
def test_only_keepers_in_post_write_the_directory(world, persona, status):
    client = token_client(getattr(world, persona), world.org, personal=False)
    assert client.post(f"{BASE}/entries", NEW, content_type="application/json").status_code == (
        status
    )
    entry = add_entry(Owner(organisation=world.org), world.hr_admin, name="Kept here")
    path = f"{BASE}/entries/{entry.pk}"
    changed = _send(client, "PATCH", path, {"name": "Renamed"})
    assert changed.status_code == (200 if status == 201 else status)
    removed = _send(client, "DELETE", path)
    assert removed.status_code == (204 if status == 201 else status)
    assert Entry.objects.filter(pk=entry.pk).exists() == (status != 201)


def test_a_personal_token_never_writes_the_directory_even_an_hr_admins(world):
    client = token_client(world.hr_admin, world.org, personal=True)
    response = client.post(f"{BASE}/entries", NEW, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "organisation_token_required"
    assert not Entry.objects.exists()


def test_another_organisations_entry_and_the_partnerships_are_not_found_to_writes(world):
    theirs = add_entry(Owner(organisation=world.other_org), world.outsider, name="Theirs")
    shared = add_entry(Owner(partnership=world.partnership), world.lead, name="Shared")
    client = token_client(world.hr_admin, world.org, personal=False)
    for entry in (theirs, shared):
        path = f"{BASE}/entries/{entry.pk}"
        assert _send(client, "PATCH", path, {"name": "Mine now"}).status_code == 404
        assert _send(client, "DELETE", path).status_code == 404
    # The partnership's entry is still read through the same token.
    assert client.get(f"{BASE}/entries/{shared.pk}").status_code == 200
    assert Entry.objects.filter(name__in=["Theirs", "Shared"]).count() == 2
    # The other organisation's keeper adds to their own directory, not ours.
    outsider = token_client(world.outsider, world.other_org, personal=False)
    made = outsider.post(f"{BASE}/entries", NEW, content_type="application/json")
    assert Entry.objects.get(pk=made.json()["id"]).organisation == world.other_org


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"website": "javascript:alert(1)"}, "unsafe_link"),
        ({"website": "plimbrook.example.org"}, "unsafe_link"),
        ({"areas": ["#!"]}, "bad_area"),
        ({"areas": [], "covers_everywhere": False}, "no_area"),
        ({"topics": []}, "no_topic"),
        ({"topics": ["cake"]}, "bad_topic"),
        ({"needs": ["cake"]}, "bad_need"),
        ({"kind": "shop"}, "bad_kind"),
        ({"name": "   "}, "name_missing"),
        ({"name": "N" * 201}, "name_too_long"),
        ({"email": "not an address"}, "bad_email"),
        ({"email": "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"}, "email_too_long"),
        ({"review_by": "2999-01-01"}, "review_too_far"),
        ({"review_by": "tomorrow"}, "invalid_request"),
        ({"who_for": "A\x01B"}, "invalid_request"),
    ],
)
def test_bad_input_is_a_problem_naming_what_is_wrong_and_nothing_is_saved(world, change, code):
    client = token_client(world.hr_admin, world.org, personal=False)
    response = client.post(f"{BASE}/entries", {**NEW, **change}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["detail"] or problem["errors"]
    assert not Entry.objects.exists()


def test_a_duplicate_name_is_refused_on_adding_and_on_renaming(world):
    client = token_client(world.hr_admin, world.org, personal=False)
    assert client.post(f"{BASE}/entries", NEW, content_type="application/json").status_code == 201
    again = client.post(
        f"{BASE}/entries",
        {**NEW, "name": " plimbrook  CARERS hub "},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert again.json()["code"] == "duplicate_entry"
    assert "already an entry called" in again.json()["detail"]
    other = add_entry(Owner(organisation=world.org), world.hr_admin, name="Other place")
    renamed = _send(client, "PATCH", f"{BASE}/entries/{other.pk}", {"name": "PLIMBROOK carers hub"})
    assert renamed.status_code == 422
    assert renamed.json()["code"] == "duplicate_entry"
    other.refresh_from_db()
    assert other.name == "Other place"


def test_a_patch_changes_only_the_fields_sent_and_a_stale_version_is_a_conflict(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    client = token_client(world.hr_admin, world.org, personal=False)
    path = f"{BASE}/entries/{entry.pk}"
    changed = _send(client, "PATCH", path, {"version": 1, "phone": "0113 496 0999"})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert changed.json()["phone"] == "0113 496 0999"
    assert changed.json()["topics"] == ["breaks", "peer"]
    assert changed.json()["areas"] == [
        {"kind": "local_authority", "value": "LEEDS"},
        {"kind": "postcode_district", "value": "LS1"},
    ]
    stale = _send(client, "PATCH", path, {"version": 1, "phone": "0"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    entry.refresh_from_db()
    assert entry.phone == "0113 496 0999"


def test_an_unchanged_patch_writes_nothing(world):
    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    client = token_client(world.hr_admin, world.org, personal=False)
    path = f"{BASE}/entries/{entry.pk}"
    current = client.get(path).json()
    sent = {
        name: current[name]
        for name in (
            "kind",
            "name",
            "who_for",
            "how_to_get",
            "phone",
            "email",
            "website",
            "covers_everywhere",
            "topics",
            "needs",
            "review_by",
            "version",
        )
    }
    sent["areas"] = [area["value"] for area in current["areas"]]
    events = AuditEvent.objects.count()
    before = Entry.objects.values().get(pk=entry.pk)
    for body in (sent, {}, {"version": 1}):
        response = _send(client, "PATCH", path, body)
        assert response.status_code == 200
        assert response.json()["version"] == 1
    assert Entry.objects.values().get(pk=entry.pk) == before
    assert AuditEvent.objects.count() == events


def test_removing_through_the_api_takes_the_codes_and_is_audited(world):
    entry = add_entry(
        Owner(organisation=world.org), world.hr_admin, kind="digital", covers_everywhere=True
    )
    add_code(entry, world.hr_admin, Owner(organisation=world.org))
    client = token_client(world.org_admin, world.org, personal=False)
    assert _send(client, "DELETE", f"{BASE}/entries/{entry.pk}").status_code == 204
    assert not Entry.objects.exists()
    assert not AccessCode.objects.exists()
    event = AuditEvent.objects.get(summary__startswith="Removed the support entry")
    assert event.channel == Channel.API
    # The code itself is never in the log.
    assert not AuditEvent.objects.filter(summary__contains="ZX-PLIMBROOK").exists()


def test_hostile_text_is_stored_as_text_and_shown_escaped(world):
    client = token_client(world.hr_admin, world.org, personal=False)
    name = "<script>alert(1)</script> \u202etxt.exe\u202c {{ secret }}"
    made = client.post(
        f"{BASE}/entries",
        {**NEW, "name": name, "how_to_get": "Line one\r\nLine two"},
        content_type="application/json",
    )
    assert made.status_code == 201
    # Direction overrides are not text (docs/text.md): they are dropped; the rest is kept.
    assert made.json()["name"] == "<script>alert(1)</script> txt.exe {{ secret }}"
    assert made.json()["how_to_get"] == "Line one\nLine two"
    page = signed_in(world.carer).get(
        reverse("signposting:entry", kwargs={"org_slug": world.org.slug, "pk": made.json()["id"]})
    )
    assert "<script>alert(1)" not in page.content.decode()
    line_break = client.post(
        f"{BASE}/entries", {**NEW, "name": "Two\nlines"}, content_type="application/json"
    )
    assert line_break.status_code == 201
    assert line_break.json()["name"] == "Two lines"


def test_a_patch_without_a_version_does_not_undo_a_change_saved_meanwhile(world, monkeypatch):
    """The request's own copy stands in for a missing version: a change saved between the
    read and the write is a conflict, not quietly put back."""
    from signposting import api as directory_api
    from signposting.services import entry_confirm

    entry = add_entry(Owner(organisation=world.org), world.hr_admin)
    client = token_client(world.hr_admin, world.org, personal=False)
    real = directory_api._kept

    def read_then_someone_saves(request, entry_id):
        found = real(request, entry_id)
        if request.method == "PATCH":
            Entry.objects.filter(pk=entry_id).update(phone="0113 000 0000", version=2)
        return found

    monkeypatch.setattr(directory_api, "_kept", read_then_someone_saves)
    response = _send(client, "PATCH", f"{BASE}/entries/{entry.pk}", {"who_for": "Anyone"})
    monkeypatch.setattr(directory_api, "_kept", real)
    assert response.status_code == 409
    assert Entry.objects.get(pk=entry.pk).phone == "0113 000 0000"
    # A "Still right" pressed meanwhile keeps its later date when no date is sent.
    Entry.objects.filter(pk=entry.pk).update(version=1)
    later = timezone.localdate() + timedelta(days=400)

    confirmed: list[bool] = []

    def read_then_still_right(request, entry_id):
        found = real(request, entry_id)
        if request.method == "PATCH" and not confirmed:  # the first read only
            confirmed.append(
                entry_confirm(entry=found, by=world.hr_admin, expected_version=1, today=later)
            )
        return found

    monkeypatch.setattr(directory_api, "_kept", read_then_still_right)
    response = _send(
        client, "PATCH", f"{BASE}/entries/{entry.pk}", {"who_for": "Anyone", "version": 1}
    )
    monkeypatch.setattr(directory_api, "_kept", real)
    assert response.status_code == 200, response.content
    assert confirmed == [True]
    assert Entry.objects.get(pk=entry.pk).review_by >= later
