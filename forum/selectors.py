"""Reads of a partnership's forum, and the access functions pages and the API share.

Another partnership's forum, and any object not in this one, is a 404, so whether it exists
is not revealed. Case studies of an organisation that has left the partnership are no
longer shown: it agreed to share them with the partnership's members while it was one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from forum.models import CaseStudy, Event, Reply, Thread
from forum.rules import READ
from organisations.access import access_partnership
from organisations.models import Partnership
from shared.paging import CountlessPage, countless_page

PAGE_SIZE = 20


def access_forum(*, viewer: Any, slug: str, permission: str = READ) -> Partnership:
    """The partnership if ``viewer`` may read its forum (else a 404, like the partnership's
    other pages); a reader without ``permission`` is refused (403)."""
    partnership = access_partnership(viewer=viewer, slug=slug, permission=READ)
    if permission != READ and not viewer.has_perm(permission, partnership):
        raise PermissionDenied
    return partnership


def published_case_studies(*, partnership: Partnership) -> QuerySet[CaseStudy]:
    """Case studies readers see: not withdrawn, from the partnership's leads or from an
    organisation still in it, newest first."""
    return (
        CaseStudy.objects.filter(partnership=partnership, withdrawn_at__isnull=True)
        .filter(Q(organisation__isnull=True) | Q(organisation__partnership=partnership))
        .select_related("organisation", "author")
        .order_by("-created_at", "-pk")
    )


def case_studies_page(*, partnership: Partnership, number: str | None) -> CountlessPage:
    return countless_page(
        published_case_studies(partnership=partnership), number=number, size=PAGE_SIZE
    )


def access_case_study(*, partnership: Partnership, pk: int) -> CaseStudy:
    found = published_case_studies(partnership=partnership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def threads(*, partnership: Partnership) -> QuerySet[Thread]:
    """Threads, newest first, with how many replies each has (removed ones too: they hold
    their place in the conversation)."""
    return (
        Thread.objects.filter(partnership=partnership)
        .select_related("organisation", "started_by")
        .annotate(reply_count=Count("replies"))
        .order_by("-created_at", "-pk")
    )


def threads_page(*, partnership: Partnership, number: str | None) -> CountlessPage:
    return countless_page(threads(partnership=partnership), number=number, size=PAGE_SIZE)


def access_thread(*, partnership: Partnership, pk: int) -> Thread:
    found = (
        Thread.objects.filter(partnership=partnership, pk=pk)
        .select_related("organisation", "started_by", "partnership")
        .first()
    )
    if found is None:
        raise Http404
    return found


def replies_of(*, thread: Thread) -> list[Reply]:
    return list(
        Reply.objects.filter(thread=thread)
        .select_related("organisation", "written_by")
        .order_by("created_at", "pk")
    )


def access_reply(*, thread: Thread, pk: int) -> Reply:
    found = Reply.objects.filter(thread=thread, pk=pk).select_related("thread").first()
    if found is None:
        raise Http404
    return found


def events(*, partnership: Partnership, now: datetime) -> tuple[list[Event], list[Event]]:
    """Upcoming events, soonest first, and past ones, latest first (the last 20)."""
    mine = Event.objects.filter(partnership=partnership)
    upcoming = list(mine.filter(starts_at__gte=now).order_by("starts_at", "pk"))
    past = list(mine.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:PAGE_SIZE])
    return upcoming, past


def upcoming_events(*, partnership: Partnership, now: datetime) -> QuerySet[Event]:
    return Event.objects.filter(partnership=partnership, starts_at__gte=now).order_by(
        "starts_at", "pk"
    )


def access_event(*, partnership: Partnership, pk: int) -> Event:
    found = Event.objects.filter(partnership=partnership, pk=pk).select_related("partnership")
    event = found.first()
    if event is None:
        raise Http404
    return event


def forum_summary(*, partnership: Partnership, now: datetime) -> dict[str, Any]:
    """What the forum's home page shows: the latest of each part."""
    return {
        "case_studies": list(published_case_studies(partnership=partnership)[:3]),
        "threads": list(threads(partnership=partnership)[:3]),
        "events": list(upcoming_events(partnership=partnership, now=now)[:3]),
    }
