"""The reflection log: the owner writes and reads it, nobody else ever sees it, an unchanged
save writes nothing, and the first step goes into the personal plan once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import events_for_organisation
from carershub.tests.pdfs import pdf_text
from learning.models import FIRST_STEP_MAX, NOTES_MAX, ReflectionEntry
from learning.principles import PRINCIPLES, principle
from learning.reflection import ReflectionConflict, reflection_save, reflection_step_to_plan
from plans.models import PersonalPlan, PersonalPlanRow
from plans.services import personal_plan_create

pytestmark = pytest.mark.django_db

IDENTIFY = principle("identify-early")
NOTES = "Zyxquorn notes about asking early"
STEP = "Mention the carers' network at the Plimbrook team meeting"


def url(world, name, **kw):
    return reverse(f"learning:{name}", kwargs={"org_slug": world.org.slug, **kw})


def edit_url(world, slug="identify-early"):
    return url(world, "reflection_edit", principle=slug)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save(world, user=None, notes=NOTES, step=STEP, version=0, what=IDENTIFY):
    assert what is not None
    return reflection_save(
        organisation=world.org,
        user=user or world.carer,
        principle=what,
        notes=notes,
        first_step=step,
        expected_version=version,
    )


def test_the_principles_are_six_with_unique_slugs_and_prompts_at_both_levels():
    assert len(PRINCIPLES) == 6
    assert len({p.slug for p in PRINCIPLES}) == 6
    for item in PRINCIPLES:
        assert 2 <= len(item.prompts) <= 3
        assert 2 <= len(item.manager_prompts) <= 3
        assert item.criterion_ref == f"core-principles:{item.slug}"


def test_the_owner_saves_one_principle_and_reads_it_back(world):
    client = signed_in(world.carer)
    response = client.post(
        edit_url(world), {"notes": NOTES, "first_step": STEP, "version": "0"}, follow=True
    )
    html = response.content.decode()
    assert "Your reflection is saved." in html
    assert NOTES in html
    entry = ReflectionEntry.objects.get(user=world.carer)
    assert (entry.principle, entry.notes, entry.first_step) == ("identify-early", NOTES, STEP)
    # Only that principle was written.
    assert ReflectionEntry.objects.filter(user=world.carer).count() == 1
    log = client.get(url(world, "reflection")).content.decode()
    assert "First step written" in log
    assert log.count("Not started") == 5


def test_the_learning_home_page_links_to_the_log(world):
    html = signed_in(world.carer).get(url(world, "home")).content.decode()
    assert f'href="{url(world, "reflection")}"' in html


def test_submitting_the_same_words_again_writes_nothing(world):
    entry = save(world)
    before = AuditEvent.objects.count()
    client = signed_in(world.carer)
    page = client.get(edit_url(world)).content.decode()
    assert f'name="version" value="{entry.version}"' in page
    response = client.post(
        edit_url(world), {"notes": NOTES, "first_step": STEP, "version": str(entry.version)}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.version == 1
    assert AuditEvent.objects.count() == before
    # A browser sends line breaks as CR LF: the same words, so still nothing is written.
    two_lines = save(world, notes="First line\nSecond line", version=entry.version)
    assert two_lines is not None
    client.post(
        edit_url(world),
        {"notes": "First line\r\nSecond line", "first_step": STEP, "version": "2"},
    )
    assert ReflectionEntry.objects.get(user=world.carer).version == 2
    # Two empty boxes where nothing was written are not an entry either.
    client.post(edit_url(world, "equal-partners"), {"notes": "", "first_step": "", "version": "0"})
    assert ReflectionEntry.objects.filter(user=world.carer).count() == 1


def test_a_change_is_saved_with_a_new_version_and_a_private_audit_entry(world):
    entry = save(world)
    changed = save(world, notes="Different words", version=entry.version)
    assert changed is not None
    assert changed.version == 2
    events = AuditEvent.objects.filter(object_type="learning.reflectionentry")
    assert events.count() == 2
    assert all(NOTES not in e.summary and STEP not in e.summary for e in events)
    # Kept out of the organisation's audit page, like a personal plan's entries.
    assert not events_for_organisation(organisation_id=world.org.pk).filter(
        object_type="learning.reflectionentry"
    )


def test_a_save_from_an_older_copy_is_refused(world):
    save(world)
    with pytest.raises(ReflectionConflict):
        save(world, notes="From another tab", version=0)
    assert ReflectionEntry.objects.get(user=world.carer).notes == NOTES


def test_too_long_text_is_refused_with_clear_errors_and_what_was_typed_is_kept(world):
    long_notes = "n" * (NOTES_MAX + 1)
    long_step = "s" * (FIRST_STEP_MAX + 1)
    response = signed_in(world.carer).post(
        edit_url(world), {"notes": long_notes, "first_step": long_step, "version": "0"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f"Your notes must be {NOTES_MAX} characters or fewer" in html
    assert f"The first step must be {FIRST_STEP_MAX} characters or fewer" in html
    assert long_notes in html
    assert long_step in html
    assert not ReflectionEntry.objects.exists()


def test_nobody_else_ever_sees_the_owners_reflection(world):
    save(world)
    for other in (world.manager, world.hr_admin, world.org_admin, world.champion, world.sponsor):
        client = signed_in(other)
        for address in (url(world, "reflection"), edit_url(world)):
            response = client.get(address)
            assert response.status_code == 200  # their own, empty log
            html = response.content.decode()
            assert NOTES not in html
            assert STEP not in html
    # Someone who has left, and people from elsewhere, cannot open the log at all.
    assert signed_in(world.leaver).get(edit_url(world)).status_code == 403
    assert signed_in(world.outsider).get(edit_url(world)).status_code == 404
    assert Client().get(edit_url(world)).status_code == 302


def test_the_log_is_not_in_the_django_admin():
    assert ReflectionEntry not in admin.site._registry


def test_a_line_manager_gets_the_prompts_for_line_managers(world):
    manager_page = signed_in(world.manager).get(edit_url(world)).content.decode()
    carer_page = signed_in(world.carer).get(edit_url(world)).content.decode()
    assert IDENTIFY is not None
    assert "as a line manager" in manager_page
    assert IDENTIFY.manager_prompts[0].replace("'", "&#x27;") in manager_page
    assert "as a line manager" not in carer_page
    assert IDENTIFY.prompts[0].replace("'", "&#x27;") in carer_page


def test_someone_who_has_left_holds_no_power_over_a_reflection(world):
    with pytest.raises(PermissionDenied):
        save(world, user=world.leaver)
    assert IDENTIFY is not None
    with pytest.raises(PermissionDenied):
        reflection_step_to_plan(organisation=world.org, user=world.leaver, principle=IDENTIFY)
    assert (
        signed_in(world.leaver)
        .post(url(world, "reflection_to_plan", principle=IDENTIFY.slug))
        .status_code
        == 403
    )
    assert not ReflectionEntry.objects.exists()


def test_the_service_refuses_overlong_text(world):
    with pytest.raises(ValidationError) as refused:
        save(world, notes="x" * (NOTES_MAX + 1))
    assert "notes" in refused.value.message_dict


def test_the_first_step_makes_a_plan_and_is_added_once(world):
    save(world)
    client = signed_in(world.carer)
    address = url(world, "reflection_to_plan", principle="identify-early")
    first = client.post(address, follow=True).content.decode()
    assert "We made you a personal plan" in first
    second = client.post(address, follow=True).content.decode()
    assert "This step is already in your plan" in second
    plan = PersonalPlan.objects.get(owner=world.carer)
    row = PersonalPlanRow.objects.get(plan=plan)
    assert (row.action, row.criterion_ref) == (STEP, "core-principles:identify-early")
    assert row.criterion_title == "Core Principle: Identify carers early"
    # The page now says where the step is, instead of offering the button.
    page = client.get(edit_url(world)).content.decode()
    assert "Add this step to my personal plan" not in page
    assert reverse("plans:personal_plan_detail", args=[world.org.slug, plan.pk]) in page


def test_the_first_step_goes_into_the_existing_plan(world):
    plan = personal_plan_create(organisation=world.org, by=world.carer, title="Mine")
    save(world)
    assert IDENTIFY is not None
    done = reflection_step_to_plan(organisation=world.org, user=world.carer, principle=IDENTIFY)
    assert done.added
    assert not done.plan_created
    assert done.step.plan_id == plan.pk
    plan.refresh_from_db()
    assert plan.version == 2  # an edit page open on the old rows cannot overwrite it
    assert PersonalPlan.objects.filter(owner=world.carer).count() == 1


def test_a_changed_step_is_a_new_row(world):
    entry = save(world)
    assert IDENTIFY is not None
    reflection_step_to_plan(organisation=world.org, user=world.carer, principle=IDENTIFY)
    save(world, step="Something else entirely", version=entry.version)
    reflection_step_to_plan(organisation=world.org, user=world.carer, principle=IDENTIFY)
    assert PersonalPlanRow.objects.filter(plan__owner=world.carer).count() == 2


def test_without_a_saved_step_the_button_explains_and_adds_nothing(world):
    response = signed_in(world.carer).post(
        url(world, "reflection_to_plan", principle="identify-early"), follow=True
    )
    assert "Save the first step you will take" in response.content.decode()
    assert not PersonalPlan.objects.exists()


def test_an_unknown_principle_is_not_found(world):
    assert signed_in(world.carer).get(edit_url(world, "nope")).status_code == 404


def test_the_log_costs_the_same_queries_however_much_is_written(world):
    client = signed_in(world.carer)
    client.get(url(world, "reflection"))  # warm the session and caches
    with CaptureQueriesContext(connection) as empty:
        client.get(url(world, "reflection"))
    for item in PRINCIPLES:
        save(world, what=item, notes=f"Notes {item.slug}")
    with CaptureQueriesContext(connection) as full:
        response = client.get(url(world, "reflection"))
    assert response.content.decode().count("First step written") == 6
    assert len(full) == len(empty)


def test_the_download_everything_about_me_files_carry_the_owners_reflections(world):
    save(world)
    client = signed_in(world.carer)
    data = client.get(reverse("passports:carer_export_json", args=[world.org.slug])).json()
    assert data["reflection_log"] == [
        {
            "principle": "Identify carers early",
            "notes": NOTES,
            "first_step": STEP,
            "saved_at": ReflectionEntry.objects.get().updated_at.isoformat(),
        }
    ]
    pdf = client.get(reverse("passports:carer_export_pdf", args=[world.org.slug])).content
    text = pdf_text(pdf)
    assert "My reflection log" in text
    assert "Zyxquorn" in text
    # The line manager's own download holds their own log, which is empty.
    theirs = signed_in(world.manager).get(
        reverse("passports:carer_export_json", args=[world.org.slug])
    )
    assert theirs.json()["reflection_log"] == []
