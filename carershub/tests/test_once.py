"""A form that only adds records, sent twice, adds them once (shared/once.py).

The pages carry a one-time token; the same token sent again is not run again but sent where
the first submission went, with a neutral message. See docs/trust-rules.md, rule 8.
"""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from carershub.tests.personas import World
from leave import statutory
from leave.models import CarersLeaveRequest
from organisations.models import Invitation, Nation
from passports.models import Conversation, Passport
from passports.services import conversation_record
from passports.tests.helpers import declared
from passports.views import passport as passport_views
from shared.models import FormSubmission
from shared.once import submissions_prune

ALREADY_SENT = "That was already sent, so it has not been sent again."


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def token_on(html: str) -> str:
    """The one-time token of the (first) form on a page."""
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the page's form carries no one-time token"
    return match.group(1)


def _conversation_url(passport: Passport) -> str:
    return reverse(
        "passports:conversation_new",
        kwargs={"org_slug": passport.staff.organisation.slug, "pk": passport.pk},
    )


def _note(token: str | None = None, notes: str = "We agreed later starts.") -> dict[str, str]:
    data = {"held_on": timezone.localdate().isoformat(), "notes": notes}
    if token is not None:
        data["form_token"] = token
    return data


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_a_conversation_note_sent_twice_is_noted_once(world: World) -> None:
    passport = declared(world)
    manager = _client(world.manager)
    url = _conversation_url(passport)
    token = token_on(manager.get(url).text)

    first = manager.post(url, _note(token))
    second = manager.post(url, _note(token))

    assert Conversation.objects.filter(passport=passport).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert ALREADY_SENT in _messages(second)
    # The message says nothing of what was written.
    assert all("later starts" not in message for message in _messages(second))


def test_an_invitation_sent_twice_is_sent_once(world: World, mailoutbox: list[object]) -> None:
    hr = _client(world.hr_admin)
    url = reverse("organisations:invite", kwargs={"org_slug": world.org.slug})
    token = token_on(hr.get(url).text)
    data = {"email": "new.starter@example.org", "role": "employee", "form_token": token}

    first = hr.post(url, data)
    second = hr.post(url, data)

    assert Invitation.objects.filter(email="new.starter@example.org").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def _leave_day() -> date:
    day = timezone.localdate() + timedelta(days=30)
    while any(
        statutory.carers_leave_day_problem(day=day, working_days="12345", nation=nation)
        for nation in Nation
    ):
        day += timedelta(days=1)
    return day


def test_a_carers_leave_request_sent_twice_is_made_once(world: World) -> None:
    """Its page writes its fields by hand, the token included."""
    carer = _client(world.carer)
    url = reverse("leave:carers_leave_new", kwargs={"org_slug": world.org.slug})
    page = carer.get(url).text
    data = {"first_day": _leave_day().isoformat(), "form_token": token_on(page)}

    first = carer.post(url, data)
    second = carer.post(url, data)

    assert CarersLeaveRequest.objects.filter(staff=world.carer_record).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.mark.parametrize(
    ("page", "persona"), [("api:token_list", "hr_admin"), ("api:personal_tokens", "carer")]
)
def test_an_api_token_form_sent_twice_makes_one_token(
    world: World, page: str, persona: str
) -> None:
    """The secret is shown once, on the first answer; a repeat comes back to the list."""
    user = world.persona(persona)
    client = _client(user)
    url = reverse(page, kwargs={"org_slug": world.org.slug})
    token = token_on(client.get(url).text)
    before = ApiToken.objects.filter(user=user).count()

    first = client.post(url, {"name": "Payroll link", "form_token": token})
    second = client.post(url, {"name": "Payroll link", "form_token": token})

    assert ApiToken.objects.filter(user=user).count() == before + 1
    assert first.status_code == 200
    assert 'id="new-token"' in first.text
    assert second.status_code == 302
    assert second["Location"] == url
    # The page after the first has a new token, so a second token can be made on purpose.
    assert token_on(first.text) != token
    assert (
        client.post(url, {"name": "Another", "form_token": token_on(first.text)}).status_code == 200
    )
    assert ApiToken.objects.filter(user=user).count() == before + 2


def test_a_form_shown_again_with_errors_can_be_sent_again_with_the_same_token(
    world: World,
) -> None:
    passport = declared(world)
    manager = _client(world.manager)
    url = _conversation_url(passport)
    token = token_on(manager.get(url).text)

    refused = manager.post(url, _note(token, notes=""))

    assert refused.status_code == 200
    assert token_on(refused.text) == token  # kept, with what was typed
    assert not FormSubmission.objects.exists()
    assert manager.post(url, _note(token)).status_code == 302
    assert Conversation.objects.filter(passport=passport).count() == 1


def test_a_token_counts_only_for_whoever_used_it(world: World) -> None:
    """Another person sending the same token (copied, or guessed) is not stopped by it."""
    passport = declared(world)
    url = _conversation_url(passport)
    token = token_on(_client(world.manager).get(url).text)

    _client(world.manager).post(url, _note(token))
    _client(world.carer).post(url, _note(token))

    assert Conversation.objects.filter(passport=passport).count() == 2
    assert FormSubmission.objects.filter(token=token).count() == 2


def test_a_post_without_a_token_is_handled_as_before(world: World) -> None:
    """Browsers always send the page's token; a hand-made request without one is not deduplicated."""
    passport = declared(world)
    manager = _client(world.manager)
    url = _conversation_url(passport)

    manager.post(url, _note())
    manager.post(url, _note())

    assert Conversation.objects.filter(passport=passport).count() == 2
    assert not FormSubmission.objects.exists()


def test_each_page_load_brings_a_new_token(world: World) -> None:
    passport = declared(world)
    manager = _client(world.manager)
    url = _conversation_url(passport)
    assert token_on(manager.get(url).text) != token_on(manager.get(url).text)


def test_a_form_sent_without_its_token_is_shown_again_with_one(world: World) -> None:
    passport = declared(world)
    refused = _client(world.manager).post(_conversation_url(passport), _note(notes=""))
    assert refused.status_code == 200
    assert token_on(refused.text)


def test_used_tokens_are_forgotten_after_a_day(world: World) -> None:
    now = timezone.now()
    for age in (timedelta(hours=25), timedelta(hours=23)):
        FormSubmission.objects.create(
            user=world.manager,
            token=f"token-{age.seconds}-abcdefgh",
            path="/",
            created_at=now - age,
        )

    with time_machine.travel(now, tick=False):
        assert submissions_prune() == 1

    assert FormSubmission.objects.get().created_at == now - timedelta(hours=23)


def _lock_waiters() -> int:
    """Requests of this test database waiting for a lock held by another."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_is_noted_once(world: World, monkeypatch) -> None:
    """Two requests with one token at the same moment, each on its own connection: the second
    waits on the token's unique index until the first commits, then finds it used."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database takes one writer at a time; covered on PostgreSQL")
    passport = declared(world)
    url = _conversation_url(passport)
    token = token_on(_client(world.manager).get(url).text)
    clients = [_client(world.manager), _client(world.manager)]
    answers: dict[int, HttpResponseBase] = {}
    first_inside, release = threading.Event(), threading.Event()
    real = conversation_record

    def held_open(**kwargs: Any) -> object:
        # The first request stays in its transaction until the second is queued behind it.
        first_inside.set()
        assert release.wait(30)
        return real(**kwargs)

    monkeypatch.setattr(passport_views, "conversation_record", held_open)

    def send(index: int) -> None:
        try:
            answers[index] = clients[index].post(url, _note(token))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    threads[0].start()
    assert first_inside.wait(30)
    threads[1].start()
    for _attempt in range(3000):
        if _lock_waiters():
            break
        threading.Event().wait(0.01)
    else:
        pytest.fail("the second request never waited for the first")
    release.set()
    for thread in threads:
        thread.join(30)

    assert Conversation.objects.filter(passport=passport).count() == 1
    assert answers[0].status_code == answers[1].status_code == 302
    assert answers[1]["Location"] == answers[0]["Location"]
    assert FormSubmission.objects.filter(token=token).count() == 1
