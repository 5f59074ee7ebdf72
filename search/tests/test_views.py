"""The search page: what it shows, bad input, and a constant cost whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import StaffRecord
from organisations.tests.factories import StaffRecordFactory
from search.forms import MAX_QUERY


def _url(world) -> str:
    return reverse("search:results", kwargs={"org_slug": world.org.slug})


def test_a_carer_finds_help_but_no_people(client, world):
    client.force_login(world.carer)
    response = client.get(_url(world), {"q": "postpone"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deciding a carer&#x27;s leave request" in body
    assert "Nobody you can see matches" in body


def test_hr_sees_matching_staff_with_a_link_to_the_record(client, world):
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name="Ada", last_name="Lovelace"
    )
    client.force_login(world.hr_admin)
    body = client.get(_url(world), {"q": "lovelace"}).content.decode()
    assert f'href="/o/{world.org.slug}/staff/{world.carer_record.pk}/"' in body
    assert "Ada Lovelace" in body


def test_an_empty_search_asks_for_words_without_an_error(client, world):
    client.force_login(world.hr_admin)
    for params in ({}, {"q": ""}, {"q": "   "}):
        body = client.get(_url(world), params).content.decode()
        assert "govuk-error-summary" not in body
        assert "Type a name" in body


def test_a_search_too_long_is_refused_with_an_error_and_keeps_what_was_typed(client, world):
    client.force_login(world.hr_admin)
    typed = "a" * (MAX_QUERY + 1)
    response = client.get(_url(world), {"q": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert f"Search for {MAX_QUERY} characters or fewer" in body
    assert f'value="{typed}"' in body


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, world):
    client.force_login(world.hr_admin)
    assert client.get(_url(world), {"q": "a", "page": "x'"}).status_code == 200
    assert client.get(_url(world), {"q": "a", "page": "99999999999"}).status_code == 200


def test_someone_who_has_left_is_refused(client, world):
    client.force_login(world.leaver)
    assert client.get(_url(world), {"q": "a"}).status_code == 403


def _queries(client, world, user, count: int) -> int:
    for n in range(count):
        StaffRecordFactory.create(
            organisation=world.org,
            first_name="Sam",
            last_name=f"Team{n:03d}",
            line_manager=world.manager_record,
        )
    client.force_login(user)
    client.get(_url(world), {"q": "sam"})  # sessions and caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(world), {"q": "sam"}).status_code == 200
    return len(captured)


def test_hr_search_costs_the_same_queries_for_a_few_people_or_many(
    client, world, django_assert_num_queries
):
    few = _queries(client, world, world.hr_admin, 3)
    many = _queries(client, world, world.hr_admin, 40)
    assert few == many
    with django_assert_num_queries(few):
        client.get(_url(world), {"q": "sam"})


def test_a_managers_search_costs_the_same_queries_for_a_small_team_or_a_large_one(
    client, world, django_assert_num_queries
):
    few = _queries(client, world, world.manager, 3)
    many = _queries(client, world, world.manager, 40)
    assert few == many
    with django_assert_num_queries(few):
        client.get(_url(world), {"q": "sam"})


@pytest.mark.parametrize("typed", ["a\x07b", "\x00", "<script>alert(1)</script>", "a" * 5000])
def test_hostile_searches_answer_calmly(client, world, typed):
    client.force_login(world.hr_admin)
    response = client.get(_url(world), {"q": typed})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_header_offers_search_to_members_in_post_but_not_to_someone_who_has_left(client, world):
    home = reverse("organisations:home", kwargs={"org_slug": world.org.slug})
    client.force_login(world.carer)
    assert f'href="{_url(world)}"' in client.get(home).content.decode()
    client.force_login(world.leaver)
    body = client.get(home).content.decode()
    assert f'href="{_url(world)}"' not in body
    assert 'href="/help/"' in body
