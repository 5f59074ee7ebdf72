"""HR's staff pages: search, add, change (with edit conflicts), leavers, units."""

from __future__ import annotations

from audit.models import Action, AuditEvent, Channel
from organisations.models import StaffRecord, StaffStatus, Unit


def test_search_finds_by_name_and_staff_number_with_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/staff/"
    client.get(url)  # warm the session and MFA check
    with django_assert_max_num_queries(12):
        html = client.get(url, {"q": "C001"}).content.decode()
    assert world.carer_record.last_name in html
    # The other organisation's C001 is not listed (names are random, so compare links).
    assert f"/staff/{world.outsider_record.pk}/" not in html
    for n in range(60):
        StaffRecord.objects.create(
            organisation=world.org,
            staff_number=f"BULK{n}",
            first_name="Bulk",
            last_name=f"Person{n}",
        )
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert "Page 1<" in page.content.decode()
    assert "page=2" in page.content.decode()


def test_search_matches_a_whole_email_whatever_its_case_but_not_part_of_one(client, world):
    StaffRecord.objects.create(
        organisation=world.org,
        staff_number="EM1",
        first_name="Ellen",
        last_name="Mailer",
        work_email="Ellen.Mailer@Example.org",
    )
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/staff/"
    assert "Mailer" in client.get(url, {"q": "ellen.MAILER@example.ORG"}).content.decode()
    assert "Mailer" not in client.get(url, {"q": "mailer@example.org"}).content.decode()


def test_the_unit_filter_takes_a_code_or_the_start_of_a_name_and_renders_no_unit_list(
    client, world
):
    clinic = Unit.objects.create(organisation=world.org, code="CLIN9", name="Clinic nine")
    for n in range(3):
        StaffRecord.objects.create(
            organisation=world.org,
            staff_number=f"CL{n}",
            first_name="Clinic",
            last_name=f"Worker{n}",
            unit=clinic,
        )
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/staff/"
    by_code = client.get(url, {"unit": "clin9"}).content.decode()
    assert "Worker0" in by_code
    assert f"/staff/{world.carer_record.pk}/" not in by_code
    by_name = client.get(url, {"unit": "Ward"}).content.decode()
    assert f"/staff/{world.carer_record.pk}/" in by_name
    assert "Worker0" not in by_name
    # What was typed stays in the box; units are not listed as options, whatever their number.
    assert 'value="Ward"' in by_name
    assert "<option" not in by_name.split('id="id_status"')[0]


def test_adding_a_member_of_staff_with_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, world
):
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/staff/new/",
        {
            "staff_number": "C001",
            "first_name": "Typed",
            "last_name": "Name",
            "work_email": "nope",
            "days_per_week": "5",
            "hours_per_week": "37.5",
            "working_days": ["1", "2", "3", "4", "5"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'value="Typed"' in html
    assert "Another member of staff already has this staff number" in html
    assert not StaffRecord.objects.filter(first_name="Typed").exists()


def test_adding_a_member_of_staff_is_audited(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/staff/new/",
        {
            "staff_number": "N1",
            "first_name": "New",
            "last_name": "Person",
            "line_manager": "M001",
            "days_per_week": "5",
            "hours_per_week": "37.5",
            "working_days": ["1", "2", "3", "4", "5"],
        },
    )
    assert response.status_code == 302
    record = StaffRecord.objects.get(organisation=world.org, staff_number="N1")
    assert record.line_manager == world.manager_record
    assert AuditEvent.objects.filter(
        action=Action.CREATE, channel=Channel.WEB, object_id=str(record.pk)
    ).exists()


def _edit_data(record, **changes):
    data = {
        "staff_number": record.staff_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "work_email": record.work_email,
        "unit": record.unit.code if record.unit else "",
        "line_manager": record.line_manager.staff_number if record.line_manager else "",
        "days_per_week": record.days_per_week,
        "hours_per_week": record.hours_per_week,
        "working_days": list(record.working_days) or ["irregular"],
        "version": record.version,
    }
    return {**data, **changes}


def test_a_change_records_old_and_new_values_in_the_audit(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    response = client.post(
        f"/o/{world.org.slug}/staff/{record.pk}/edit/", _edit_data(record, hours_per_week="30")
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(record.pk))
    assert event.changes == {"hours_per_week": ["37.50", "30"]} or event.changes["hours_per_week"][
        1
    ].startswith("30")


def test_an_edit_made_on_a_stale_copy_is_refused_and_nothing_is_overwritten(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    stale = _edit_data(record, first_name="Mine")
    client.post(
        f"/o/{world.org.slug}/staff/{record.pk}/edit/", _edit_data(record, first_name="Theirs")
    )
    response = client.post(f"/o/{world.org.slug}/staff/{record.pk}/edit/", stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    record.refresh_from_db()
    assert record.first_name == "Theirs"


def test_a_line_management_loop_is_refused(client, world):
    client.force_login(world.hr_admin)
    manager = world.manager_record
    response = client.post(
        f"/o/{world.org.slug}/staff/{manager.pk}/edit/", _edit_data(manager, line_manager="C001")
    )
    assert response.status_code == 200
    assert "go round in a circle" in response.content.decode()
    manager.refresh_from_db()
    assert manager.line_manager == world.leaver_record  # as it was


def test_recording_a_leaver(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/staff/{world.carer_record.pk}/left/", {"left_on": "2026-10-31"}
    )
    assert response.status_code == 302
    world.carer_record.refresh_from_db()
    assert world.carer_record.status == StaffStatus.LEFT
    assert world.carer_record.left_on.isoformat() == "2026-10-31"


def test_units_can_be_added_and_a_duplicate_code_is_refused(client, world):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/units/"
    assert client.post(url, {"code": "WARD2", "name": "Ward 2"}).status_code == 302
    response = client.post(url, {"code": "WARD2", "name": "Again"})
    assert "A unit with this code already exists" in response.content.decode()
    assert Unit.objects.filter(organisation=world.org, code="WARD2").count() == 1


def test_a_manager_sees_their_direct_reports_only(client, world):
    client.force_login(world.manager)
    html = client.get(f"/o/{world.org.slug}/team/").content.decode()
    assert world.carer_record.full_name in html
    client.force_login(world.carer)
    html = client.get(f"/o/{world.org.slug}/team/").content.decode()
    assert "Nobody has you as their line manager" in html
