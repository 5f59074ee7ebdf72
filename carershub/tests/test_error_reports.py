"""What an error report would send to Sentry carries no passport text, no carer status and
nothing that names the person (shared/error_reports.py, trust rule 11).

The real SDK runs, initialised as production initialises it, with an in-memory transport in
place of the network (the SDK's own extension point): the test reads the envelopes exactly as
they would leave the service.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from carershub.tests.test_settings_and_health import run_python
from passports.models import CarerDeclaration, HoursBand, NeedKind, Passport, Relationship
from passports.services import carer_declare, passport_update_about
from shared.error_reports import SAFE_HEADERS, error_reports_init
from shared.logs import REQUEST_ID_HEADER, WITHHELD, request_id_bound

ABOUT = "Quillon the lighthouse keeper has my brother's insulin on Tuesdays"
PLAN_B_CONTACTS = "Ring Marisol Okonkwo-Lindqvist on 07700 900461"
PLAN_B_AT_WORK = "Hand the Zephyrine ward rota to whoever is on call"
EARLIER = "My mother's kidney clinic, Fridays at the Harrowgate unit"
NAME = "Marisol Okonkwo-Lindqvist"
CSRF_SECRET = "k" * 32


class MemoryTransport(Transport):
    """Keeps each envelope instead of sending it."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def text(self) -> str:
        return "\n".join(e.serialize().decode("utf-8", "replace") for e in self.envelopes)

    def events(self) -> list[dict[str, Any]]:
        return [dict(event) for e in self.envelopes if (event := e.get_event()) is not None]

    def item_types(self) -> set[str]:
        return {str(item.headers.get("type")) for e in self.envelopes for item in e.items}


@pytest.fixture
def sent() -> Iterator[MemoryTransport]:
    transport = MemoryTransport()
    error_reports_init(
        dsn="https://public@errors.example.invalid/1",
        environment="test",
        release="test-release",
        transport=transport,
    )
    try:
        yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)  # as before: reporting nothing


def _refuse_passport_writes() -> None:
    """A real database error in the middle of the save, as a broken disk or a bad migration
    would cause. On PostgreSQL the error quotes the text being saved, as database errors do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_passport() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'cannot store %', NEW.about_caring; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_passport BEFORE UPDATE ON passports_passport "
                "FOR EACH ROW EXECUTE FUNCTION refuse_passport()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_passport BEFORE UPDATE ON passports_passport "
                "BEGIN SELECT RAISE(ABORT, 'cannot store the passport'); END"
            )


def through_wsgi(request: WSGIRequest) -> str:
    """Answer ``request`` as gunicorn would hand it over: through ``WSGIHandler``, which the
    SDK wraps to read the URL, headers and client's address, rather than the test client's
    own handler. Like the test client, it keeps the test's database connection open."""
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = WSGIHandler()(request.environ, start_response)
        try:
            b"".join(answer)
        finally:
            answer.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


def test_a_failed_passport_save_is_reported_without_anything_personal(world, sent):
    carer_declare(
        staff=world.carer_record,
        relationship=Relationship.OTHER_RELATIVE,
        need_kinds=[NeedKind.MENTAL_HEALTH],
        hours_band=HoursBand.FROM_35,
        share_with_manager=True,
        by=world.carer,
    )
    passport = passport_update_about(
        passport=Passport.objects.get(staff=world.carer_record),
        expected_version=None,
        about_caring=EARLIER,
        plan_b_contacts="",
        plan_b_at_work="",
        by=world.carer,
    )
    declaration = CarerDeclaration.objects.get(staff=world.carer_record)
    signed_in = Client()
    signed_in.force_login(world.carer)
    session = signed_in.cookies["sessionid"].value
    url = reverse("passports:edit_about", kwargs={"org_slug": world.org.slug, "pk": passport.pk})
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF_SECRET}",
        "Referer": f"http://testserver{url}?from={world.carer.email}",
        "User-Agent": "Mozilla/5.0 (Personal Laptop of Marisol)",
        "X-Forwarded-For": "203.0.113.77",
        REQUEST_ID_HEADER: "report-req-000123",
    }
    opened = RequestFactory().get(url, headers=headers)
    assert through_wsgi(opened).startswith("200")  # loads the passport and its declaration
    _refuse_passport_writes()

    saving = RequestFactory().post(
        f"{url}?email={world.carer.email}",
        {
            "csrfmiddlewaretoken": CSRF_SECRET,
            "version": passport.version,
            "about_caring": ABOUT,
            "plan_b_contacts": PLAN_B_CONTACTS,
            "plan_b_at_work": PLAN_B_AT_WORK,
        },
        headers=headers,
    )
    assert through_wsgi(saving).startswith("500")
    sentry_sdk.flush()

    (event,) = sent.events()
    # Enough to find the bug: the exception's type, where it happened, which request.
    error = event["exception"]["values"][-1]
    # SQLite's trigger aborts; PostgreSQL's raises, quoting the text (psycopg: ProgrammingError).
    assert (error["module"], error["type"]) in {
        ("django.db.utils", "IntegrityError"),
        ("django.db.utils", "ProgrammingError"),
    }
    assert error["value"] == WITHHELD
    functions = {frame["function"] for frame in error["stacktrace"]["frames"]}
    assert {"passport_edit_about", "passport_update_about"} <= functions
    assert all("vars" not in frame for frame in error["stacktrace"]["frames"])
    assert event["transaction"] == "passports:edit_about"
    assert event["tags"] == {"request_id": "report-req-000123", "route": "passports:edit_about"}
    assert event["request"]["method"] == "POST"
    assert set(event["request"]) <= {"method", "headers"}  # no URL, query, body, cookies, env
    assert {name.lower() for name in event["request"].get("headers", {})} <= SAFE_HEADERS
    assert "user" not in event
    assert "extra" not in event
    assert sent.item_types() <= {"event", "client_report"}  # no sessions, logs or spans

    text = sent.text()
    for personal in (
        ABOUT,
        "Quillon",
        PLAN_B_CONTACTS,
        "Okonkwo",
        "900461",
        PLAN_B_AT_WORK,
        "Zephyrine",
        EARLIER,
        "Harrowgate",
        world.carer.email,
        world.carer.get_full_name(),
        world.carer_record.staff_number,
        declaration.relationship,
        str(Relationship(declaration.relationship).label),
        NeedKind.MENTAL_HEALTH.value,
        str(NeedKind.MENTAL_HEALTH.label),
        HoursBand.FROM_35.value,
        str(HoursBand.FROM_35.label),
        session,
        CSRF_SECRET,
        "Personal Laptop",
        "203.0.113.77",
        world.org.slug,  # in the path, which is left out (the route names the page)
    ):
        assert personal not in text, f"{personal!r} would be sent"


def test_a_logged_error_sends_the_lines_template_never_its_arguments(sent):
    log = logging.getLogger("carershub.tests.reports")
    name = NAME  # from a variable, as in real code: the frames quote the code around them
    with request_id_bound("logged-req-000456"):
        log.info("Opened the passport of %s", name)  # a breadcrumb
        try:
            raise ValueError(f"{name} cares for her father")
        except ValueError:
            log.exception("Could not save the passport of %s", name)
    sentry_sdk.flush()

    (event,) = sent.events()
    assert event["logentry"] == {"message": "Could not save the passport of %s"}
    assert event["exception"]["values"][0]["value"] == WITHHELD
    assert event["tags"] == {"request_id": "logged-req-000456"}
    assert "transaction" not in event  # outside a request: no route
    crumbs = [c for c in event["breadcrumbs"]["values"] if c.get("category") == log.name]
    assert [c["message"] for c in crumbs] == ["Opened the passport of %s"]
    assert NAME not in sent.text()


def test_an_exception_logged_as_the_message_sends_only_its_type(sent):
    try:
        raise ValueError(f"{NAME} cares for her father")
    except ValueError as exc:
        logging.getLogger("carershub.tests.reports").exception(exc)  # as django-ninja does
    sentry_sdk.flush()
    (event,) = sent.events()
    assert event["logentry"] == {"message": f"ValueError: {WITHHELD}"}
    assert NAME not in sent.text()


def test_a_machine_error_keeps_its_words(sent):
    try:
        raise ConnectionRefusedError("smtp.internal:25 refused the connection")
    except OSError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()
    (event,) = sent.events()
    assert event["exception"]["values"][0]["value"] == "smtp.internal:25 refused the connection"


REPORTING = (
    "import django, sentry_sdk; django.setup(); "
    "print(sentry_sdk.get_client().is_active(), sentry_sdk.get_client().dsn)"
)


def test_errors_are_reported_only_when_a_dsn_is_set():
    without = run_python(REPORTING, DJANGO_ENV="test")
    assert without.stdout.split() == ["False", "None"], without.stderr
    dsn = "https://public@errors.example.invalid/7"
    with_dsn = run_python(REPORTING, DJANGO_ENV="test", SENTRY_DSN=dsn)
    assert with_dsn.stdout.split() == ["True", dsn], with_dsn.stderr
