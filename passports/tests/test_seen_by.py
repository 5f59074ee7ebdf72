"""Who has seen my passport: every entry reachable, newest first, a page at a time (issue 6)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Channel
from audit.services import audit_record
from passports.models import Passport
from passports.services import carer_declare
from passports.tests.helpers import declared
from passports.views.carer import SEEN_BY_PAGE_SIZE

URL = reverse("passport_seen_by", kwargs={"org_slug": "home-org"})


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
