"""Forum objects for tests, made through the services so every rule holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from forum.models import CaseStudy, Event, Reply, Thread
from forum.services import (
    CaseStudyDetails,
    EventDetails,
    case_study_publish,
    event_add,
    reply_add,
    thread_start,
)
from organisations.models import Partnership


def details(**overrides: Any) -> CaseStudyDetails:
    values: dict[str, Any] = {
        "title": "Carers' leave in our rota",
        "summary": "We planned carers' leave into the ward rota.",
        "body": "We asked the ward managers.\n\nThen we changed the rota.",
        "anonymous": False,
        "consent": True,
        **overrides,
    }
    return CaseStudyDetails(**values)


def case_study(partnership: Partnership, by: Any, **overrides: Any) -> CaseStudy:
    return case_study_publish(partnership=partnership, by=by, details=details(**overrides))


def thread(partnership: Partnership, by: Any, title: str = "Flexible rotas") -> Thread:
    return thread_start(partnership=partnership, by=by, title=title, body="How do you do it?")


def reply(found: Thread, by: Any, body: str = "We use a shared calendar.") -> Reply:
    return reply_add(thread=found, by=by, body=body)


def event_details(**overrides: Any) -> EventDetails:
    values: dict[str, Any] = {
        "title": "Employers' breakfast",
        "starts_at": (timezone.now() + timedelta(days=14)).replace(second=0, microsecond=0),
        "place": "Town hall, room 2",
        "link": "",
        "description": "Coffee and a talk about carers' leave.",
        **overrides,
    }
    return EventDetails(**values)


def event(partnership: Partnership, by: Any, **overrides: Any) -> Event:
    return event_add(partnership=partnership, by=by, details=event_details(**overrides))
