"""The staff carer network for apps and integrations (docs/networks.md, docs/api.md).

Anyone in post reads what the network is, with an organisation token or a personal one.
Everything else is personal-token only: belonging is a person's own private fact, so a
system's token (an intranet, an HR portal) never reads meetings, answers or the member list.
The member list is for carer champions alone, as on the pages; meetings and the answered
questions are for members and champions, and anyone else is told there is nothing (404).
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accounts.selectors import display_name
from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem
from networks.models import Meeting, Network, NetworkMember, Question
from networks.selectors import (
    access_meeting,
    access_network,
    belongs,
    may_see_meetings,
    meetings_for_api,
    members_in_post,
    questions_answered_for_api,
    runs,
)
from networks.services import RUN, VIEW
from organisations.types import OrgRequest

router = Router(tags=["networks"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

#: What the network is: any member in post, either kind of token.
ANY_MEMBER = BearerToken(VIEW, personal=None)
#: Meetings and answers: a member's or a champion's own token.
PERSON = BearerToken(VIEW, personal=True)
#: Who belongs: a carer champion's own token.
CHAMPION = BearerToken(RUN, personal=True)


class NetworkDescriptionOut(Schema):
    id: int
    name: str
    about: str
    you_belong: bool | None = Field(
        description="Whether the token's owner belongs; null with an organisation token."
    )


class NetworkMemberOut(Schema):
    name: str
    email: str
    joined_at: datetime

    @staticmethod
    def resolve_name(member: NetworkMember) -> str:
        return display_name(member.user)

    @staticmethod
    def resolve_email(member: NetworkMember) -> str:
        return member.user.email


class NetworkMeetingOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    minutes: int
    place: str
    link: str = Field(description="Always an http or https address, or empty.")
    agenda: str
    notes: str
    cancelled: bool
    calendar_url: str = Field(description="The meeting as an iCalendar file (signed-in page).")

    @staticmethod
    def resolve_cancelled(meeting: Meeting) -> bool:
        return meeting.cancelled_at is not None

    @staticmethod
    def resolve_calendar_url(meeting: Meeting, context: dict[str, Any]) -> str:
        return reverse(
            "networks:meeting_calendar",
            args=[context["request"].organisation.slug, meeting.pk],
        )


class NetworkAnswerOut(Schema):
    id: UUID = Field(description="Random: it says nothing of when the question was asked.")
    question: str = Field(alias="text")
    answer: str
    answered_on: date

    @staticmethod
    def resolve_answered_on(question: Question) -> date:
        assert question.answered_at is not None
        return timezone.localdate(question.answered_at)


def _members_network(request: OrgRequest) -> Network:
    network = access_network(organisation=request.organisation)
    if not may_see_meetings(network=network, user=request.user):
        raise Http404
    return network


@router.get("/network", auth=ANY_MEMBER, response={200: NetworkDescriptionOut, **ERRORS})
def get_network(request: OrgRequest) -> Any:
    """The organisation's network; 404 when there is none yet."""
    network = access_network(organisation=request.organisation)
    personal = bool(request.auth.personal)  # type: ignore[attr-defined]
    network.you_belong = belongs(network=network, user=request.user) if personal else None  # type: ignore[attr-defined]
    return network


@router.get("/network/members", auth=CHAMPION, response={200: list[NetworkMemberOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=500)
def list_network_members(request: OrgRequest) -> Any:
    """Members in post, longest-standing first: for carer champions' own tokens only."""
    network = access_network(organisation=request.organisation)
    if not runs(network=network, user=request.user):
        # A champion of an organisation that only uses a network shared by another.
        raise PermissionDenied
    return members_in_post(network=network).select_related("user").order_by("joined_at", "pk")


@router.get("/meetings", auth=PERSON, response={200: list[NetworkMeetingOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_network_meetings(request: OrgRequest) -> Any:
    """The network's meetings, latest start first, for members and champions."""
    return meetings_for_api(network=_members_network(request))


@router.get("/meetings/{meeting_id}", auth=PERSON, response={200: NetworkMeetingOut, **ERRORS})
def get_network_meeting(request: OrgRequest, meeting_id: int) -> Any:
    return access_meeting(viewer=request.user, organisation=request.organisation, pk=meeting_id)


@router.get("/answers", auth=PERSON, response={200: list[NetworkAnswerOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_network_answers(request: OrgRequest) -> Any:
    """The question box's published questions and answers, newest answer first."""
    return questions_answered_for_api(network=_members_network(request))
