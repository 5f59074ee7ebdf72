"""Power ends with the job (docs/trust-rules.md, rule 10): from the moment someone is marked as
left they manage nobody, deputise for nobody, hold no role and decide nothing, on pages, API
and calendar alike; what is theirs stays theirs to read and take."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api.services import api_token_authenticate, api_token_create
from audit.models import Channel
from leave.deputies import acting_for, deputy_appoint
from leave.flexible.services import deciders, flexible_request_submit
from leave.models import Deputy, FlexibleStatus
from leave.selectors import access_carers_leave_request, team_absences
from leave.services import carers_leave_accept, carers_leave_request
from organisations.models import Role, StaffStatus
from organisations.selectors import has_left, roles_in
from organisations.services import staff_record_mark_left
from passports.services import carer_declare, passport_share


def _working_day(start: date) -> date:
    day = start
    while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1)}:
        day += timedelta(days=1)
    return day


def _accepted_leave(world):
    today = timezone.localdate()
    day = _working_day(today + timedelta(days=10))
    leave = carers_leave_request(
        staff=world.carer_record, days=[(day, "full")], note="", by=world.carer, today=today
    )
    carers_leave_accept(request=leave, by=world.manager)
    return leave, day


def _leave(world, user):
    """Mark ``user``'s staff record in the home organisation as left, as HR would."""
    record = world.org.staff_records.get(user=user)
    staff_record_mark_left(record=record, left_on=None, by=world.hr_admin, channel=Channel.WEB)
    record.refresh_from_db()
    return record


def test_someone_marked_as_left_holds_no_role_however_many_they_were_given(world):
    assert roles_in(user=world.leaver, organisation=world.org) == frozenset()
    assert has_left(user=world.leaver, organisation=world.org)
    for permission in (
        "organisations.use_organisation",
        "organisations.view_staff",
        "organisations.manage_members",
        "leave.view_all_requests",
    ):
        assert not world.leaver.has_perm(permission, world.org)
    # Their own records stay theirs.
    assert world.leaver.has_perm("organisations.use_own_records", world.org)


def test_a_corrected_record_brings_the_roles_back(world):
    record = world.leaver_record
    record.status = StaffStatus.ACTIVE
    record.save()
    assert Role.HR_ADMIN in roles_in(
        user=type(world.leaver).objects.get(pk=world.leaver.pk), organisation=world.org
    )


def test_a_line_manager_who_has_left_no_longer_sees_the_kind_of_their_teams_leave(client, world):
    _leave_request, day = _accepted_leave(world)
    before = team_absences(
        viewer=world.manager, viewer_record=world.manager_record, start=day, days=1
    )
    assert [a.label for a in before] == ["Carer's leave"]
    record = _leave(world, world.manager)
    after = team_absences(viewer=world.manager, viewer_record=record, start=day, days=1)
    assert after == []
    client.force_login(world.manager)
    assert client.get(f"/o/{world.org.slug}/leave/calendar/").status_code == 403


def test_a_line_manager_who_has_left_cannot_name_a_deputy(client, world):
    record = _leave(world, world.manager)
    with pytest.raises(PermissionDenied):
        deputy_appoint(
            manager=record,
            deputy_number="M002",
            from_date=timezone.localdate(),
            to_date=timezone.localdate() + timedelta(days=5),
            by=world.manager,
            today=timezone.localdate(),
        )
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/deputies/",
        {"staff_number": "M002", "from_date": "", "to_date": ""},
    )
    assert response.status_code == 403
    assert not Deputy.objects.filter(manager=record).exclude(deputy=world.leaver_record).exists()


def test_deputies_named_by_a_manager_who_leaves_stop_deciding_at_once(world):
    today = timezone.localdate()
    appointment = deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=today,
        to_date=today + timedelta(days=30),
        by=world.manager,
        today=today,
    )
    new_manager = appointment.deputy.user
    assert new_manager is not None
    leave = carers_leave_request(
        staff=world.carer_record,
        days=[(_working_day(today + timedelta(days=10)), "full")],
        note="",
        by=world.carer,
        today=today,
    )
    assert acting_for(user=new_manager, manager=world.manager_record, on=today)
    _found, access = access_carers_leave_request(
        viewer=new_manager, organisation=world.org, pk=leave.pk
    )
    assert access.can_decide
    _leave(world, world.manager)
    leave.staff.refresh_from_db()
    line_manager = leave.staff.line_manager
    assert line_manager is not None
    line_manager.refresh_from_db()
    assert not acting_for(user=new_manager, manager=line_manager, on=today)
    with pytest.raises(PermissionDenied):
        access_carers_leave_request(viewer=new_manager, organisation=world.org, pk=leave.pk)


def test_a_deputy_who_has_left_decides_nothing(world):
    # The leaver persona was named the manager's deputy before leaving.
    today = timezone.localdate()
    assert not acting_for(user=world.leaver, manager=world.manager_record, on=today)
    leave = carers_leave_request(
        staff=world.carer_record,
        days=[(_working_day(today + timedelta(days=10)), "full")],
        note="",
        by=world.carer,
        today=today,
    )
    with pytest.raises(PermissionDenied):
        access_carers_leave_request(viewer=world.leaver, organisation=world.org, pk=leave.pk)


def test_an_hr_admin_or_senior_manager_who_has_left_hears_no_appeal(world):
    today = timezone.localdate()
    item = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=today + timedelta(days=40),
        by=world.carer,
        today=today,
    )
    type(item).objects.filter(pk=item.pk).update(
        status=FlexibleStatus.APPEALED, decided_by=world.manager, appeal_reason="Please"
    )
    item.refresh_from_db()
    # The leaver is both an HR admin and the manager's own line manager, and neither counts.
    assert world.leaver.pk not in deciders(item)
    assert world.hr_admin.pk in deciders(item)


def test_an_organisation_token_dies_with_its_owners_job_but_a_personal_one_still_reads(world):
    _org_token, org_secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="HR system", channel=Channel.WEB
    )
    _personal, personal_secret = api_token_create(
        user=world.hr_admin,
        organisation=world.org,
        name="My app",
        channel=Channel.WEB,
        personal=True,
    )
    world.org.staff_records.create(
        staff_number="H001", first_name="Hannah", last_name="Ross", user=world.hr_admin
    )
    _leave(world, world.hr_admin)
    assert api_token_authenticate(org_secret) is None
    assert api_token_authenticate(personal_secret) is not None


def test_the_home_page_of_someone_who_has_left_offers_only_their_own_records(client, world):
    client.force_login(world.leaver)
    page = client.get(f"/o/{world.org.slug}/").content.decode()
    assert "You have left this organisation" in page
    assert "Staff records" not in page
    assert f"/o/{world.org.slug}/carer/" in page


def test_a_carer_who_has_left_reads_their_passport_but_no_longer_changes_or_shares_it(
    client, world
):
    carer_declare(staff=world.carer_record, share_with_manager=False, by=world.carer)
    passport = world.carer_record.passport
    _leave(world, world.carer)
    client.force_login(world.carer)
    page = client.get(f"/o/{world.org.slug}/passports/{passport.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "no longer changed, shared or signed" in text
    assert f"/passports/{passport.pk}/about/" not in text
    assert client.get(f"/o/{world.org.slug}/passports/{passport.pk}/about/").status_code == 403
    assert client.get(f"/o/{world.org.slug}/carer/export.json").status_code == 200
    home = client.get(f"/o/{world.org.slug}/carer/").content.decode()
    assert "Change my answers" not in home
    assert "Download everything about me" in home
    with pytest.raises(PermissionDenied):
        passport_share(passport=passport, by=world.carer)
