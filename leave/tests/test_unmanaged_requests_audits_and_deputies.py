"""Northern Ireland wording from the rule row, audited reads, HR told about requests nobody
manages, and deputies ended early."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from api.services import api_token_create
from audit.models import Action, AuditEvent, Channel
from leave.calendar import calendar_feed_renew
from leave.deputies import acting_for, deputy_appoint, deputy_end
from leave.flexible.services import deciders, flexible_request_submit
from leave.models import CalendarFeed, DependantsTimeOff, Deputy
from leave.services import LeaveRuleError, carers_leave_accept, carers_leave_request
from organisations.models import Nation, StaffStatus

TODAY = date(2026, 11, 23)


def submit(world):
    return flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am",
        start_from=date(2027, 1, 4),
        by=world.carer,
        today=TODAY,
    )


def _text(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


# --- Wording from the rule row -----------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "required"), [(Nation.ENGLAND, True), (Nation.NORTHERN_IRELAND, False)]
)
@time_machine.travel(date(2026, 11, 23))
def test_the_page_and_email_claim_a_duty_to_consult_only_where_the_rule_row_has_one(
    client, world, smtp_sink, django_capture_on_commit_callbacks, nation, required
):
    world.org.nation = nation
    world.org.save()
    world.carer_record.start_date = date(2020, 1, 1)  # NI asks for 26 weeks' service
    world.carer_record.save()
    with django_capture_on_commit_callbacks(execute=True):
        item = submit(world)
    (message,) = smtp_sink
    body = _text(message)
    assert ("before you can refuse it" in body) is required
    assert ("good practice" in body) is not required
    client.force_login(world.manager)
    html = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/").content.decode()
    assert ("cannot be refused until the manager has talked it through" in html) is required
    assert ("You must have talked it through first." in html) is required
    assert ("the law here does not require it" in html) is not required


# --- HR told about requests nobody manages -----------------------------------------------


@pytest.mark.parametrize("how", ["no_manager", "manager_left"])
@time_machine.travel(date(2026, 11, 23))
def test_hr_is_emailed_when_nobody_in_post_can_decide(
    world, smtp_sink, django_capture_on_commit_callbacks, how
):
    if how == "no_manager":
        world.carer_record.line_manager = None
        world.carer_record.save()
    else:
        world.manager_record.status = StaffStatus.LEFT
        world.manager_record.save()
        world.carer_record.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    (message,) = smtp_sink
    assert set(message["To"].replace(" ", "").split(",")) == {
        "hr@example.org",
        "admin@example.org",
    }
    assert "Nobody in post manages them" in _text(message)


@time_machine.travel(date(2026, 11, 23))
def test_a_managed_request_still_goes_to_the_manager_only(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    assert [m["To"] for m in smtp_sink] == ["manager@example.org"]
    assert "Nobody in post" not in _text(smtp_sink[0])


# --- Audited reads -----------------------------------------------------------------------


@time_machine.travel(date(2026, 11, 23))
def test_making_a_calendar_link_and_each_read_of_the_feed_are_audited(client, world, settings):
    settings.SITE_URL = "https://carers.example.org"
    client.force_login(world.carer)
    url = f"/o/{world.org.slug}/leave/calendar/subscribe/"
    client.post(url)
    client.post(url)
    feed = CalendarFeed.objects.get(staff=world.carer_record)
    made = AuditEvent.objects.filter(object_type="leave.calendarfeed", object_id=str(feed.pk))
    assert [e.action for e in made.order_by("pk")] == [Action.CREATE, Action.UPDATE]
    link = client.get(url)  # the link is shown once, so make a third and read it
    html = client.post(url).content.decode()
    token = html.split("/calendar/")[1].split(".ics")[0]
    client.logout()
    assert link.status_code == 200
    for _ in range(2):
        assert client.get(f"/calendar/{token}.ics").status_code == 200
    reads = made.filter(action=Action.VIEW)
    assert reads.count() == 1  # a calendar app polls all day: the day's first read is kept
    first = reads.first()
    assert first is not None
    assert first.actor is None
    assert "private link" in first.summary
    with time_machine.travel(date(2026, 11, 24)):
        assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert reads.count() == 2


@time_machine.travel(date(2026, 11, 23))
def test_a_flexible_request_read_through_the_api_is_audited(client, world):
    item = submit(world)
    secret = api_token_create(
        user=world.manager, organisation=world.org, name="t", channel=Channel.WEB
    )[1]
    response = client.get(
        f"/api/v1/leave/flexible/requests/{item.pk}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.manager,
        action=Action.VIEW,
        channel=Channel.API,
        object_type="leave.flexibleworkingrequest",
        object_id=str(item.pk),
    ).exists()


@time_machine.travel(date(2026, 11, 23))
def test_managers_lists_are_audited_for_each_request_they_show(client, world):
    leave = carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 12, 14), "full")],
        note="",
        by=world.carer,
        today=TODAY,
    )
    item = submit(world)
    client.force_login(world.manager)
    client.get(f"/o/{world.org.slug}/leave/team/")
    client.get(f"/o/{world.org.slug}/flexible/")
    listed = AuditEvent.objects.filter(actor=world.manager, action=Action.VIEW)
    assert listed.filter(object_type="leave.carersleaverequest", object_id=str(leave.pk)).exists()
    assert listed.filter(
        object_type="leave.flexibleworkingrequest", object_id=str(item.pk)
    ).exists()
    # Someone's own list is not a read of anyone else's record.
    client.force_login(world.carer)
    client.get(f"/o/{world.org.slug}/flexible/")
    assert not AuditEvent.objects.filter(actor=world.carer, action=Action.VIEW).exists()


# --- Ending a deputy's appointment early -------------------------------------------------


def appoint(world, until=TODAY + timedelta(days=10)):
    return deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=TODAY,
        to_date=until,
        by=world.manager,
        today=TODAY,
    )


@time_machine.travel(date(2026, 11, 23))
def test_the_manager_ends_a_deputy_early_and_the_deputy_stops_at_once(client, world):
    appointment = appoint(world)
    item = submit(world)
    assert acting_for(user=world.new_manager, manager=world.manager_record, on=TODAY)
    assert world.new_manager.pk in deciders(item)
    client.force_login(world.manager)
    response = client.post(f"/o/{world.org.slug}/leave/deputies/{appointment.pk}/end/")
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_at is not None
    assert appointment.to_date == TODAY + timedelta(days=10)  # the dates it was made with stay
    assert not acting_for(user=world.new_manager, manager=world.manager_record, on=TODAY)
    item.refresh_from_db()
    assert world.new_manager.pk not in deciders(item)
    assert AuditEvent.objects.filter(
        object_type="leave.deputy",
        object_id=str(appointment.pk),
        action=Action.UPDATE,
        actor=world.manager,
    ).exists()
    page = client.get(f"/o/{world.org.slug}/leave/deputies/").content.decode()
    assert "ended early on 23 November 2026" in page
    assert "End now" not in page


@time_machine.travel(date(2026, 11, 23))
def test_only_the_manager_who_named_the_deputy_ends_it(client, world):
    appointment = appoint(world)
    url = f"/o/{world.org.slug}/leave/deputies/{appointment.pk}/end/"
    for someone in (world.new_manager, world.carer, world.hr_admin):
        client.force_login(someone)
        assert client.post(url).status_code == 403
    client.force_login(world.outsider)
    assert (
        client.post(f"/o/{world.other_org.slug}/leave/deputies/{appointment.pk}/end/").status_code
        == 404
    )
    client.force_login(world.manager)
    assert client.get(url).status_code == 405
    assert Deputy.objects.get(pk=appointment.pk).ended_at is None


@time_machine.travel(date(2026, 11, 23))
def test_an_appointment_cannot_be_ended_twice_or_after_it_has_run_out(world):
    appointment = appoint(world)
    deputy_end(appointment=appointment, by=world.manager, now=timezone.now())
    with pytest.raises(LeaveRuleError) as error:
        deputy_end(appointment=appointment, by=world.manager, now=timezone.now())
    assert error.value.code == "deputy_already_ended"
    over = appoint(world, until=TODAY)
    with pytest.raises(LeaveRuleError):
        deputy_end(appointment=over, by=world.manager, now=timezone.now() + timedelta(days=2))


@time_machine.travel(date(2026, 12, 1))
def test_the_team_calendar_audits_what_it_shows_of_other_peoples_leave(client, world):
    leave = carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 12, 14), "full"), (date(2026, 12, 15), "am")],
        note="",
        by=world.carer,
        today=date(2026, 12, 1),
    )
    carers_leave_accept(request=leave, by=world.manager)
    client.force_login(world.manager)
    html = client.get(f"/o/{world.org.slug}/leave/calendar/").content.decode()
    assert world.carer_record.full_name in html
    shown = AuditEvent.objects.filter(
        actor=world.manager, action=Action.VIEW, object_type="leave.carersleaverequest"
    )
    assert list(shown.values_list("object_id", flat=True)) == [str(leave.pk)]  # once per request
    client.force_login(world.carer)
    client.get(f"/o/{world.org.slug}/leave/calendar/")
    assert not AuditEvent.objects.filter(actor=world.carer, action=Action.VIEW).exists()


@time_machine.travel(date(2026, 11, 23))
def test_the_calendar_feed_answers_an_unchanged_poll_with_304(client, world):
    """Calendar apps poll every few minutes: the feed's ETag stays the same while its entries
    do, a poll that sends it back gets 304 and no body, and a change gives a new ETag."""
    token = calendar_feed_renew(staff=world.carer_record, by=world.carer)
    url = f"/calendar/{token}.ics"
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    assert "no-store" in first["Cache-Control"]
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=UTC)):
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    DependantsTimeOff.objects.create(
        organisation=world.org,
        staff=world.carer_record,
        first_day=date(2026, 11, 20),
        days=1,
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # A new link is a new reader: its first read is audited even on the same day.
    renewed = calendar_feed_renew(staff=world.carer_record, by=world.carer)
    client.get(f"/calendar/{renewed}.ics")
    feed = CalendarFeed.objects.get(staff=world.carer_record)
    reads = AuditEvent.objects.filter(
        object_type="leave.calendarfeed", object_id=str(feed.pk), action=Action.VIEW
    )
    assert reads.count() == 2
