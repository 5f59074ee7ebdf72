"""The organisation's policies: HR drafts and publishes numbered versions; everyone in post
reads the one that applies now and the earlier ones; an unchanged save or publish writes
nothing; the carer pages link to what is published; benchmarks reads it as live evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from benchmarks.measures import carers_policy_published
from organisations.models import StaffStatus
from policies.models import Policy, PolicyKind, PolicyVersion
from policies.public import published_policies, published_policy
from policies.services import PolicyConflict, PolicyText, policy_publish, policy_save_draft
from shared.writes import RuleError

pytestmark = pytest.mark.django_db
CARERS = PolicyKind.CARERS


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"policies:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


def publish(world, *, body: str = "## Who\n\nEveryone who looks after someone.", changes: str = ""):
    policy = Policy.objects.filter(organisation=world.org, kind=CARERS).first()
    return policy_publish(
        organisation=world.org,
        kind=CARERS,
        user=world.hr_admin,
        text=PolicyText(summary="We support carers.", body=body, changes=changes),
        expected_version=policy.version if policy else 0,
    )


def form(version: int, **fields: str) -> dict[str, str]:
    return {
        "version": str(version),
        "summary": "We support carers.",
        "body": "## Who\n\nEveryone.",
        "link": "",
        "changes": "",
        **fields,
    }


# Services -----------------------------------------------------------------------------------


def test_publishing_makes_numbered_versions_and_keeps_the_earlier_ones(world):
    first = publish(world)
    second = publish(world, body="## Who\n\nAnyone.", changes="Shorter")
    assert (first.number, second.number) == (1, 2)
    assert first.changes == ""
    assert second.changes == "Shorter"
    assert list(PolicyVersion.objects.values_list("number", flat=True)) == [2, 1]
    policy = Policy.objects.get()
    assert policy.body == "## Who\n\nAnyone."
    assert policy.changes == ""


def test_publishing_is_audited_with_the_version_number(world):
    version = publish(world)
    event = AuditEvent.objects.get(object_id=str(version.pk))
    assert event.actor == world.hr_admin
    assert "version 1" in event.summary


def test_publishing_the_words_already_published_is_refused_and_writes_nothing(world):
    publish(world)
    events = AuditEvent.objects.count()
    with pytest.raises(RuleError) as refused:
        publish(world, changes="Nothing really")
    assert refused.value.code == "nothing_changed"
    assert PolicyVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_new_version_must_say_what_changed(world):
    publish(world)
    with pytest.raises(RuleError) as refused:
        publish(world, body="Different words")
    assert refused.value.code == "changes_missing"
    assert refused.value.field == "changes"


def test_publishing_needs_a_summary_and_text(world):
    with pytest.raises(RuleError) as refused:
        policy_publish(
            organisation=world.org,
            kind=CARERS,
            user=world.hr_admin,
            text=PolicyText(summary="", body="Words"),
            expected_version=0,
        )
    assert refused.value.field == "summary"
    assert not Policy.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/p.pdf"])
def test_only_web_links_are_kept(world, link):
    with pytest.raises(RuleError) as refused:
        policy_save_draft(
            organisation=world.org,
            kind=CARERS,
            user=world.hr_admin,
            text=PolicyText(summary="S", body="B", link=link),
            expected_version=0,
        )
    assert refused.value.code == "unsafe_link"


def test_a_draft_saved_unchanged_writes_nothing(world):
    text = PolicyText(summary="S", body="B", link="https://intranet.example.org/carers")
    assert policy_save_draft(
        organisation=world.org, kind=CARERS, user=world.hr_admin, text=text, expected_version=0
    )
    policy = Policy.objects.get()
    assert not policy_save_draft(
        organisation=world.org, kind=CARERS, user=world.hr_admin, text=text, expected_version=1
    )
    policy.refresh_from_db()
    assert policy.version == 1
    assert not PolicyVersion.objects.exists()


def test_an_empty_draft_of_a_policy_never_written_creates_nothing(world):
    assert not policy_save_draft(
        organisation=world.org,
        kind=CARERS,
        user=world.hr_admin,
        text=PolicyText(summary="", body=""),
        expected_version=0,
    )
    assert not Policy.objects.exists()


def test_a_save_from_an_older_copy_is_refused(world):
    publish(world)
    with pytest.raises(PolicyConflict):
        policy_save_draft(
            organisation=world.org,
            kind=CARERS,
            user=world.hr_admin,
            text=PolicyText(summary="S", body="B"),
            expected_version=0,
        )


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor", "leaver"])
def test_only_hr_and_organisation_admins_in_post_write_policies(world, persona):
    with pytest.raises(PermissionDenied):
        policy_save_draft(
            organisation=world.org,
            kind=CARERS,
            user=getattr(world, persona),
            text=PolicyText(summary="S", body="B"),
            expected_version=0,
        )


def test_a_published_version_is_never_changed_or_deleted(world):
    version = publish(world)
    version.body = "Rewritten"
    with pytest.raises(ValueError, match="never changed"):
        version.save()
    with pytest.raises(ValueError, match="kept"):
        version.delete()


# Pages ----------------------------------------------------------------------------------------


def test_staff_read_the_current_version_with_its_number_date_and_history(world):
    publish(world)
    publish(world, body="## Who\n\nAnyone who cares.", changes="Clearer wording")
    page = signed_in(world.carer).get(url(world, "policy", kind="carers"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anyone who cares." in text
    assert "Clearer wording" in text
    assert (
        reverse(
            "policies:version", kwargs={"org_slug": world.org.slug, "kind": "carers", "number": 1}
        )
        in text
    )
    older = signed_in(world.carer).get(url(world, "version", kind="carers", number=1))
    assert "Everyone who looks after someone." in older.content.decode()
    assert "no longer applies" in older.content.decode()


def test_staff_cannot_open_a_policy_never_published_or_read_the_draft(world):
    policy_save_draft(
        organisation=world.org,
        kind=CARERS,
        user=world.hr_admin,
        text=PolicyText(summary="Secret draft", body="Draft words"),
        expected_version=0,
    )
    carer = signed_in(world.carer)
    assert carer.get(url(world, "policy", kind="carers")).status_code == 404
    assert "Secret draft" not in carer.get(url(world, "home")).content.decode()
    assert carer.get(url(world, "edit", kind="carers")).status_code == 403


def test_an_unknown_kind_is_not_found(world):
    assert signed_in(world.hr_admin).get(url(world, "policy", kind="pay")).status_code == 404


def test_someone_who_has_left_reads_no_policy(world):
    publish(world)
    assert signed_in(world.leaver).get(url(world, "policy", kind="carers")).status_code == 403


def test_policy_text_is_rendered_safely(world):
    publish(
        world,
        body='<script>alert("x")</script>\n\n[bad](javascript:alert(1)) [ok](product:carers-leave)',
    )
    text = signed_in(world.carer).get(url(world, "policy", kind="carers")).content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text
    assert 'href="javascript:' not in text
    assert reverse("leave:home", kwargs={"org_slug": world.org.slug}) in text


def test_preview_shows_the_text_and_saves_nothing(world):
    response = signed_in(world.hr_admin).post(
        url(world, "edit", kind="carers"), form(0, body="## Part\n\nPreviewed words", preview="1")
    )
    assert response.status_code == 200
    assert "Previewed words" in response.content.decode()
    assert not Policy.objects.exists()


def test_save_draft_then_publish_through_the_page(world):
    hr = signed_in(world.hr_admin)
    saved = hr.post(url(world, "edit", kind="carers"), form(0, save="1"))
    assert saved.status_code == 302
    assert not PolicyVersion.objects.exists()
    home = hr.get(url(world, "home")).content.decode()
    assert "Draft not published" in home
    published = hr.post(url(world, "edit", kind="carers"), form(1, publish="1"))
    assert published.status_code == 302
    assert PolicyVersion.objects.get().number == 1


def test_a_refused_publish_keeps_what_was_typed(world):
    publish(world)
    policy = Policy.objects.get()
    response = signed_in(world.hr_admin).post(
        url(world, "edit", kind="carers"),
        form(policy.version, body="New words kept", publish="1"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "New words kept" in text
    assert PolicyVersion.objects.count() == 1


def test_a_bad_link_is_refused_beside_the_field(world):
    response = signed_in(world.hr_admin).post(
        url(world, "edit", kind="carers"), form(0, link="javascript:alert(1)", save="1")
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not Policy.objects.exists()


# Links from the carer pages, benchmarks and the API ------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "passports:carer_home",
        "leave:home",
        "leave:carers_leave_new",
        "flexible:home",
        "networks:home",
    ],
)
def test_carer_pages_link_to_the_published_policies_only_once_published(world, name):
    page = reverse(name, kwargs={"org_slug": world.org.slug})
    carer = signed_in(world.carer)
    assert "data-policy-links" not in carer.get(page).content.decode()
    publish(world)
    text = carer.get(page).content.decode()
    assert "data-policy-links" in text
    assert url(world, "policy", kind="carers") in text


def test_a_leaver_is_not_shown_links_they_could_not_open(world):
    publish(world)
    page = reverse("leave:home", kwargs={"org_slug": world.org.slug})
    response = signed_in(world.leaver).get(page)
    assert "data-policy-links" not in response.content.decode()


def test_public_module_gives_the_version_that_applies_now(world):
    assert published_policy(organisation=world.org) is None
    publish(world)
    publish(world, body="Other", changes="Changed")
    found = published_policy(organisation=world.org)
    assert found is not None
    assert found.number == 2
    assert [p.kind for p in published_policies(organisation=world.org)] == [CARERS]
    assert published_policy(organisation=world.other_org) is None


def test_benchmarks_reads_the_published_carers_policy_as_live_evidence(world):
    assert carers_policy_published(world.org, date(2026, 3, 2)).value is False
    publish(world)
    measured = carers_policy_published(world.org, date(2026, 3, 2))
    assert measured.value is True
    assert "version 1" in measured.display


def _token(user, organisation) -> Client:
    _id, secret = api_token_create(
        user=user, organisation=organisation, name="Intranet", channel=Channel.WEB
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_reads_the_current_version_and_the_list_of_versions(world):
    publish(world)
    publish(world, body="Other words", changes="Changed")
    client = _token(world.carer, world.org)
    listed = client.get("/api/v1/policies")
    assert listed.status_code == 200
    assert [p["kind"] for p in listed.json()] == ["carers"]
    one = client.get("/api/v1/policies/carers").json()
    assert one["current"]["number"] == 2
    assert one["current"]["body"] == "Other words"
    assert [v["number"] for v in one["versions"]] == [2, 1]
    assert client.get("/api/v1/policies/leave").status_code == 404
    assert client.get("/api/v1/policies/nonsense").status_code == 404


def test_api_never_shows_another_organisations_policy(world):
    publish(world)
    client = _token(world.outsider, world.other_org)
    assert client.get("/api/v1/policies").json() == []
    assert client.get("/api/v1/policies/carers").status_code == 404


def test_the_home_card_shows_for_staff_once_published(world):
    home = reverse("organisations:home", kwargs={"org_slug": world.org.slug})
    assert url(world, "home") not in signed_in(world.carer).get(home).content.decode()
    assert url(world, "home") in signed_in(world.hr_admin).get(home).content.decode()
    publish(world)
    assert url(world, "home") in signed_in(world.carer).get(home).content.decode()


def test_demo_publishes_two_versions_and_the_leave_policy(world):
    from policies.demo import seed

    seed(organisation=world.org, hr=world.hr_admin)
    assert published_policy(organisation=world.org).number == 2  # type: ignore[union-attr]
    assert published_policy(organisation=world.org, kind=PolicyKind.LEAVE) is not None


def test_leaver_status_is_read_on_every_request(world):
    publish(world)
    world.carer_record.status = StaffStatus.LEFT
    world.carer_record.save()
    assert signed_in(world.carer).get(url(world, "policy", kind="carers")).status_code == 403


def test_staff_are_told_when_nothing_is_published(world):
    text = signed_in(world.carer).get(url(world, "home")).content.decode()
    assert "Nothing is published yet" in text


def test_a_page_opened_before_someone_else_published_keeps_what_was_typed(world):
    publish(world)
    response = signed_in(world.org_admin).post(
        url(world, "edit", kind="carers"), form(0, body="My late words", save="1")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "after you opened this page" in text
    assert "My late words" in text
    assert Policy.objects.get().body != "My late words"
