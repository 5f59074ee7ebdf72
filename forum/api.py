"""The partnership's forum for integrations (docs/forum.md): read only.

A token for a member organisation reads the forum of the partnership that organisation is
in now, if the token's owner may read the forum there (an HR admin, organisation admin,
carer champion or executive sponsor in post). An anonymised case study names neither its
organisation nor its author here either.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accounts.selectors import display_name
from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem
from forum.models import CaseStudy, Reply, Thread
from forum.rules import READ_BY_TOKEN
from forum.selectors import (
    access_case_study,
    access_thread,
    published_case_studies,
    replies_of,
    threads,
    upcoming_events,
)
from organisations.models import Partnership
from organisations.types import OrgRequest

router = Router(tags=["forum"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

#: A reader in post, with an organisation token or a personal one.
READER = BearerToken(READ_BY_TOKEN, personal=None)


def _partnership(request: OrgRequest) -> Partnership:
    # The permission has checked that the organisation is in a partnership now.
    partnership = request.organisation.partnership
    assert partnership is not None
    return partnership


class CaseStudyOut(Schema):
    id: int
    title: str
    summary: str
    body: str = Field(description="Plain text; paragraphs are separated by a blank line.")
    anonymous: bool
    organisation: str | None = Field(description="Empty when anonymous or from the leads.")
    author: str | None = Field(description="Empty when anonymous.")
    published_at: datetime

    @staticmethod
    def resolve_organisation(case_study: CaseStudy) -> str | None:
        if case_study.anonymous or case_study.organisation is None:
            return None
        return case_study.organisation.name

    @staticmethod
    def resolve_author(case_study: CaseStudy) -> str | None:
        if case_study.anonymous or case_study.author is None:
            return None
        return display_name(case_study.author)

    @staticmethod
    def resolve_published_at(case_study: CaseStudy) -> datetime:
        return case_study.created_at


def _who(user: Any) -> str | None:
    return display_name(user) if user is not None else None


class ReplyOut(Schema):
    id: int
    written_by: str | None
    organisation: str | None = Field(description="Empty for a partnership lead.")
    body: str = Field(description="Empty when the reply was removed.")
    removed: bool
    written_at: datetime

    @staticmethod
    def resolve_written_by(reply: Reply) -> str | None:
        return _who(reply.written_by)

    @staticmethod
    def resolve_organisation(reply: Reply) -> str | None:
        return reply.organisation.name if reply.organisation else None

    @staticmethod
    def resolve_removed(reply: Reply) -> bool:
        return reply.removed_at is not None

    @staticmethod
    def resolve_written_at(reply: Reply) -> datetime:
        return reply.created_at


class ThreadOut(Schema):
    id: int
    title: str
    body: str
    started_by: str | None
    organisation: str | None = Field(description="Empty for a partnership lead.")
    started_at: datetime
    closed: bool

    @staticmethod
    def resolve_started_by(thread: Thread) -> str | None:
        return _who(thread.started_by)

    @staticmethod
    def resolve_organisation(thread: Thread) -> str | None:
        return thread.organisation.name if thread.organisation else None

    @staticmethod
    def resolve_started_at(thread: Thread) -> datetime:
        return thread.created_at

    @staticmethod
    def resolve_closed(thread: Thread) -> bool:
        return thread.closed_at is not None


class ThreadDetailOut(ThreadOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(thread: Thread) -> list[Reply]:
        return thread.replies_list  # type: ignore[attr-defined, no-any-return]


class EventOut(Schema):
    id: int
    title: str
    starts_at: datetime
    place: str
    link: str = Field(description="Always an http or https address, or empty.")
    description: str


@router.get("/case-studies", auth=READER, response={200: list[CaseStudyOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_forum_case_studies(request: OrgRequest) -> Any:
    """Published case studies of the partnership, newest first."""
    return published_case_studies(partnership=_partnership(request))


@router.get("/case-studies/{case_study_id}", auth=READER, response={200: CaseStudyOut, **ERRORS})
def get_forum_case_study(request: OrgRequest, case_study_id: int) -> Any:
    return access_case_study(partnership=_partnership(request), pk=case_study_id)


@router.get("/threads", auth=READER, response={200: list[ThreadOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_forum_threads(request: OrgRequest) -> Any:
    """Discussions of the partnership, newest first, without their replies."""
    return threads(partnership=_partnership(request))


@router.get("/threads/{thread_id}", auth=READER, response={200: ThreadDetailOut, **ERRORS})
def get_forum_thread(request: OrgRequest, thread_id: int) -> Any:
    """One discussion with its replies, oldest first; a removed reply has no text."""
    found = access_thread(partnership=_partnership(request), pk=thread_id)
    found.replies_list = replies_of(thread=found)  # type: ignore[attr-defined]
    return found


@router.get("/events", auth=READER, response={200: list[EventOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_forum_events(request: OrgRequest) -> Any:
    """The partnership's events still to come, soonest first."""
    return upcoming_events(partnership=_partnership(request), now=timezone.now())
