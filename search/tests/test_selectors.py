"""Who finds whom: only people the searcher could already open a page about."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from leave.deputies import deputy_appoint, deputy_end
from organisations.models import StaffRecord, StaffStatus
from organisations.tests.factories import StaffRecordFactory
from passports.services import carer_declare
from search.selectors import PAGE_SIZE, people_for

TODAY = timezone.localdate()


def _names(world, user, query, *, org=None, page=None, today=TODAY):
    found = people_for(
        viewer=user, organisation=org or world.org, query=query, page=page, today=today
    )
    return [row.name for row in found.object_list]


def _name(world, record: StaffRecord, first: str, last: str) -> None:
    StaffRecord.objects.filter(pk=record.pk).update(first_name=first, last_name=last)


def test_hr_finds_staff_by_name_staff_number_or_email(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    assert _names(world, world.hr_admin, "zephyrine") == ["Zephyrine Quillfeather"]
    assert _names(world, world.hr_admin, "C001") == ["Zephyrine Quillfeather"]
    assert _names(world, world.hr_admin, world.carer_record.work_email.upper()) == [
        "Zephyrine Quillfeather"
    ]


def test_hr_result_links_to_the_staff_record_and_shows_only_what_the_staff_list_shows(world):
    carer_declare(staff=world.carer_record, share_with_manager=True, by=world.carer)
    (row,) = people_for(
        viewer=world.hr_admin, organisation=world.org, query="C001", page=None, today=TODAY
    ).object_list
    assert row.url == f"/o/{world.org.slug}/staff/{world.carer_record.pk}/"
    assert row.detail == f"C001 · {world.carer_record.work_email}"
    assert row.relation == "Staff record"
    assert "carer" not in f"{row.name} {row.detail} {row.relation}".lower()


def test_nobody_finds_another_organisations_staff(world):
    number = world.outsider_record.staff_number  # "C001" in the other organisation too
    found = people_for(
        viewer=world.hr_admin, organisation=world.org, query=number, page=None, today=TODAY
    )
    assert [row.url for row in found.object_list] == [
        f"/o/{world.org.slug}/staff/{world.carer_record.pk}/"
    ]


def test_a_line_manager_finds_their_own_team_by_name_only(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    assert _names(world, world.manager, "quillfeather") == ["Zephyrine Quillfeather"]
    # Not by staff number or email: the team page does not show them.
    assert _names(world, world.manager, "C001") == []
    assert _names(world, world.manager, world.carer_record.work_email) == []
    row = people_for(
        viewer=world.manager, organisation=world.org, query="zephyrine", page=None, today=TODAY
    ).object_list[0]
    assert row.url == f"/o/{world.org.slug}/team/"
    assert row.detail == ""


def test_a_line_manager_does_not_find_people_outside_their_team_or_themselves(world):
    new_manager = StaffRecord.objects.get(user=world.new_manager)
    _name(world, new_manager, "Grace", "Hopper")
    _name(world, world.manager_record, "Alan", "Turing")
    assert _names(world, world.manager, "grace") == []
    assert _names(world, world.manager, "alan") == []


def test_a_team_member_who_has_left_is_not_found_by_their_manager(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(status=StaffStatus.LEFT)
    assert _names(world, world.manager, "zephyrine") == []


def test_a_deputy_finds_the_team_only_while_the_deputyship_lasts(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    assert _names(world, world.new_manager, "zephyrine") == []
    appointment = deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=TODAY,
        to_date=TODAY + timedelta(days=7),
        by=world.manager,
        today=TODAY,
    )
    assert _names(world, world.new_manager, "zephyrine") == ["Zephyrine Quillfeather"]
    row = people_for(
        viewer=world.new_manager, organisation=world.org, query="zephyrine", page=None, today=TODAY
    ).object_list[0]
    assert row.url == f"/o/{world.org.slug}/leave/team/"
    # After the last day, and once ended early, the team is out of reach.
    assert _names(world, world.new_manager, "zephyrine", today=TODAY + timedelta(days=8)) == []
    deputy_end(appointment=appointment, by=world.manager, now=timezone.now())
    assert _names(world, world.new_manager, "zephyrine") == []


def test_someone_who_has_left_finds_nobody_whatever_roles_they_held(world):
    # The leaver held every admin role and was the manager's manager and deputy.
    _name(world, world.manager_record, "Alan", "Turing")
    assert _names(world, world.leaver, "alan") == []
    assert _names(world, world.leaver, "M001") == []


def test_members_without_staff_powers_or_a_team_find_nobody(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    for user in (world.carer, world.champion, world.sponsor):
        assert _names(world, user, "zephyrine") == []


def test_strangers_find_nobody(world):
    _name(world, world.carer_record, "Zephyrine", "Quillfeather")
    assert _names(world, world.outsider, "zephyrine") == []
    assert _names(world, world.lead, "zephyrine") == []


def test_an_empty_query_finds_nobody(world):
    assert _names(world, world.hr_admin, "   ") == []
    assert _names(world, world.hr_admin, "\x00") == []


def test_results_come_a_page_at_a_time(world):
    for n in range(PAGE_SIZE + 3):
        StaffRecordFactory.create(
            organisation=world.org,
            staff_number=f"P{n:03d}",
            first_name="Quokkaworth",
            last_name=f"X{n:03d}",
        )
    first = people_for(
        viewer=world.hr_admin, organisation=world.org, query="quokkaworth", page=None, today=TODAY
    )
    assert len(first.object_list) == PAGE_SIZE
    assert first.has_next
    second = people_for(
        viewer=world.hr_admin, organisation=world.org, query="quokkaworth", page="2", today=TODAY
    )
    assert len(second.object_list) == 3
    assert not second.has_next
    assert not {row.name for row in first.object_list} & {row.name for row in second.object_list}
