"""Who has seen my passport: every entry reachable, newest first, a page at a time, one line per
person, day and thing done, naming people."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Channel
from audit.services import audit_record
from passports.models import Passport
from passports.services import carer_declare
from passports.tests.helpers import declared
from passports.views.carer import SEEN_BY_PAGE_SIZE

URL = reverse("passports:seen_by", kwargs={"org_slug": "home-org"})


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads(world, passport: Passport, time_machine, count: int) -> None:
    """``count`` reads by the manager, a minute apart; "Read 01" is the oldest."""
    start = timezone.now()
    for n in range(1, count + 1):
        time_machine.move_to(start + timedelta(minutes=n))
        audit_record(
            actor=world.manager,
            action=Action.VIEW,
            channel=Channel.WEB,
            target=passport,
            organisation_id=world.org.pk,
            summary=f"Read {n:02d}",
        )


def test_the_newest_fifty_are_on_page_one_and_the_rest_on_page_two(world, time_machine):
    assert SEEN_BY_PAGE_SIZE == 50
    _reads(world, declared(world), time_machine, 60)
    client = _client(world.carer)

    first = client.get(URL).text
    assert "Read 60" in first
    assert "Read 11" in first
    assert "Read 10" not in first
    assert first.index("Read 60") < first.index("Read 11")  # newest first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first

    second = client.get(URL, {"page": "2"}).text
    assert "Read 10" in second
    assert "Read 01" in second
    assert "Read 11" not in second
    assert second.index("Read 10") < second.index("Read 01")
    assert 'href="?page=1" rel="prev"' in second
    assert 'rel="next"' not in second


def test_a_page_past_the_end_says_so_and_links_back(world, time_machine):
    _reads(world, declared(world), time_machine, 3)
    response = _client(world.carer).get(URL, {"page": "5"})
    assert "There are no more entries." in response.text
    assert "Nobody else has seen your passport." not in response.text
    assert 'href="?page=4" rel="prev"' in response.text


def test_one_short_page_has_no_pager(world, time_machine):
    _reads(world, declared(world), time_machine, 3)
    response = _client(world.carer).get(URL)
    assert "Read 03" in response.text
    assert "Read 01" in response.text
    assert "govuk-pagination" not in response.text


def test_page_queries_do_not_grow_with_the_history(
    world, time_machine, django_assert_max_num_queries
):
    passport = declared(world)
    client = _client(world.carer)
    client.get(URL)  # the first request of a session loads more
    _reads(world, passport, time_machine, 5)
    with django_assert_max_num_queries(9) as few:
        client.get(URL)
    _reads(world, passport, time_machine, 120)
    with django_assert_max_num_queries(len(few)):
        client.get(URL, {"page": "2"})


def test_another_carer_sees_only_reads_of_their_own_passport(world, time_machine):
    _reads(world, declared(world), time_machine, 60)
    carer_declare(staff=world.manager_record, share_with_manager=False, by=world.manager)
    for page in ("1", "2"):
        response = _client(world.manager).get(URL, {"page": page})
        assert response.status_code == 200
        assert "Read " not in response.text


def test_hr_cannot_open_a_carers_history(world, time_machine):
    _reads(world, declared(world), time_machine, 60)
    for page in ("1", "2"):
        response = _client(world.hr_admin).get(URL, {"page": page})
        assert response.status_code == 403
        assert "Read " not in response.text


# --- One line per person, day and thing done -----------------------------------------------


def _record(world, passport: Passport, actor, summary: str = "Viewed passport") -> None:
    audit_record(
        actor=actor,
        action=Action.VIEW,
        channel=Channel.WEB if actor else Channel.SYSTEM,
        target=passport,
        organisation_id=world.org.pk,
        summary=summary,
    )


def _rows(html: str) -> list[str]:
    """The table's body rows as text, cells joined with " | "."""
    body = html[html.index('<tbody class="govuk-table__body">') : html.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        " | ".join(
            " ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        )
        for row in rows
    ]


def test_people_are_named_not_shown_by_their_email_address(world):
    world.manager.first_name, world.manager.last_name = "Mo", "Patel"
    world.manager.save()
    _record(world, declared(world), world.manager)
    page = _client(world.carer).get(URL).text
    assert "Mo Patel" in page
    assert "manager@example.org" not in page


def test_repeated_views_by_one_person_on_one_day_are_one_line_with_a_count(world, time_machine):
    world.manager.first_name, world.manager.last_name = "Mo", "Patel"
    world.manager.save()
    world.new_manager.first_name, world.new_manager.last_name = "Ana", "Lima"
    world.new_manager.save()
    passport = declared(world)
    # GMT in early March, so UTC is London time.
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    _record(world, passport, world.manager)
    time_machine.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    _record(world, passport, world.manager)
    _record(world, passport, world.new_manager)
    time_machine.move_to(datetime(2026, 3, 3, 11, 15, tzinfo=UTC))
    _record(world, passport, world.manager, "Opened passport to note a conversation")
    time_machine.move_to(datetime(2026, 3, 3, 14, 5, tzinfo=UTC))
    _record(world, passport, world.manager)

    rows = _rows(_client(world.carer).get(URL).text)

    assert rows == [
        "3 March 2026, 14:05 | Mo Patel | Viewed passport, 2 times that day",
        "3 March 2026, 11:15 | Mo Patel | Opened passport to note a conversation",
        "3 March 2026, 09:00 | Ana Lima | Viewed passport",
        "2 March 2026, 09:00 | Mo Patel | Viewed passport",
    ]


def test_days_are_counted_in_london_time_on_both_sides_of_midnight_utc(world, time_machine):
    """23:30 and 00:30 UTC are the same London day in summer (00:30, 01:30 BST) and
    different days in winter (GMT), whatever the database."""
    passport = declared(world)
    for moment in (
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        datetime(2026, 7, 2, 0, 30, tzinfo=UTC),
        datetime(2026, 1, 14, 23, 30, tzinfo=UTC),
        datetime(2026, 1, 15, 0, 30, tzinfo=UTC),
    ):
        time_machine.move_to(moment)
        _record(world, passport, world.manager)
    rows = _rows(_client(world.carer).get(URL).text)
    assert [row.split(" | ")[0] + " " + row.split(" | ")[2] for row in rows] == [
        "2 July 2026, 01:30 Viewed passport, 2 times that day",
        "15 January 2026, 00:30 Viewed passport",
        "14 January 2026, 23:30 Viewed passport",
    ]


def test_someone_whose_account_is_gone_keeps_the_name_written_at_the_time(world):
    passport = declared(world)
    _record(world, passport, world.new_manager)
    _record(world, passport, None, "Sharing ended: the line manager changed")
    world.new_manager.delete()
    page = _client(world.carer).get(URL).text
    assert "new.manager@example.org" in page
    assert "Working Carers Hub, automatically" in page


def test_grouped_pages_hold_fifty_lines_and_page_on(world, time_machine):
    passport = declared(world)
    start = timezone.now()
    for n in range(1, 61):  # one line a day for 60 days, each with two views
        time_machine.move_to(start + timedelta(days=n))
        _record(world, passport, world.manager, f"Day {n:02d}")
        _record(world, passport, world.manager, f"Day {n:02d}")
    client = _client(world.carer)
    first = _rows(client.get(URL).text)
    assert len(first) == 50
    assert first[0].endswith("Day 60, 2 times that day")
    assert first[-1].endswith("Day 11, 2 times that day")
    second = _rows(client.get(URL, {"page": "2"}).text)
    assert [row.split(" | ")[2] for row in second] == [
        f"Day {n:02d}, 2 times that day" for n in range(10, 0, -1)
    ]


def test_grouped_page_queries_stay_the_same_with_more_people_and_days(
    world, time_machine, django_assert_num_queries
):
    passport = declared(world)
    client = _client(world.carer)
    client.get(URL)  # the first request of a session loads more
    _record(world, passport, world.manager)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    few = len(captured.captured_queries)  # now: the log is cleared by the next request
    start = timezone.now()
    for n in range(1, 40):
        time_machine.move_to(start + timedelta(days=n))
        for actor in (world.manager, world.new_manager, world.hr_admin, None):
            _record(world, passport, actor)
            _record(world, passport, actor)
    client = _client(world.carer)  # weeks later: a new session
    client.get(URL)
    with django_assert_num_queries(few):
        response = client.get(URL)
    assert len(_rows(response.text)) == 50
    with django_assert_num_queries(few):
        client.get(URL, {"page": "2"})
    assert few <= 9
