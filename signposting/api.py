"""The support directory for integrations and apps (docs/signposting.md).

Any member in post may read the directory with a token for their organisation, an
organisation token or a personal one: the same entries the pages show them. Access codes are
sent only with a personal token, on one entry's route, and only those the token's owner may
use today: an organisation token belongs to a system (an intranet, an HR portal) that would
pass the code on to whoever it shows it to, where the pages show it only to staff who are
signed in.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.problems import ApiProblem
from api.schemas import Problem
from organisations.types import OrgRequest
from shared.text import SingleLine
from signposting.models import Entry, Kind, Topic
from signposting.places import PlaceError, place
from signposting.rules import VIEW_DIRECTORY
from signposting.selectors import Search, access_entry, codes_for, search_entries

router = Router(tags=["signposting"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


#: Any member in post, with an organisation token or a personal one.
MEMBER = BearerToken(VIEW_DIRECTORY, personal=None)


class AreaOut(Schema):
    kind: str = Field(description="local_authority or postcode_district")
    value: str = Field(description="Upper case: LEEDS, LS1")


class EntryOut(Schema):
    id: int
    kind: str = Field(description=", ".join(Kind.values))
    name: str
    who_for: str
    how_to_get: str
    phone: str
    email: str
    website: str = Field(description="Always an http or https address, or empty.")
    covers_everywhere: bool
    areas: list[AreaOut]
    topics: list[str] = Field(description=", ".join(Topic.values))
    needs: list[str] = Field(description="The passport's kinds of caring need it suits.")
    review_by: date
    owner: str = Field(description="organisation or partnership")

    @staticmethod
    def resolve_areas(entry: Entry) -> list[dict[str, str]]:
        return [{"kind": a.kind, "value": a.value} for a in entry.areas.all()]

    @staticmethod
    def resolve_topics(entry: Entry) -> list[str]:
        return [t.topic for t in entry.topics.all()]

    @staticmethod
    def resolve_needs(entry: Entry) -> list[str]:
        return [n.need for n in entry.needs.all()]

    @staticmethod
    def resolve_owner(entry: Entry) -> str:
        return "organisation" if entry.organisation_id else "partnership"


class CodeOut(Schema):
    code: str
    valid_from: date
    valid_until: date
    notes: str


class EntryDetailOut(EntryOut):
    access_codes: list[CodeOut] = Field(
        description=(
            "Codes the token's owner may use today. Always empty with an organisation token."
        )
    )


class Filters(Schema):
    area: SingleLine = Field("", description="A postcode, postcode district or local authority")
    topic: SingleLine = Field("", description="One of: " + ", ".join(Topic.values))
    kind: SingleLine = Field("", description="One of: " + ", ".join(Kind.values))


def _search(filters: Filters) -> Search:
    area = None
    if filters.area.strip():
        try:
            area = place(filters.area)
        except PlaceError as error:
            raise ApiProblem(422, "bad_area", "Not a place we know", str(error)) from None
    if filters.topic and filters.topic not in Topic.values:
        raise ApiProblem(422, "bad_topic", "Unknown topic", "Use one of the listed topics.")
    if filters.kind and filters.kind not in Kind.values:
        raise ApiProblem(422, "bad_kind", "Unknown kind", "Use one of the listed kinds.")
    return Search(area=area, topic=filters.topic, kind=filters.kind)


@router.get("/entries", auth=MEMBER, response={200: list[EntryOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=200)
def list_support_entries(request: OrgRequest, filters: Query[Filters]) -> Any:
    """Entries of the organisation and its partnership matching every filter given, by name.
    An entry available everywhere matches any area."""
    found = search_entries(organisation=request.organisation, search=_search(filters))
    # Read for the page's rows only: a page is the same few queries however many match.
    return found.prefetch_related("areas", "topics", "needs")


@router.get("/entries/{entry_id}", auth=MEMBER, response={200: EntryDetailOut, **ERRORS})
def get_support_entry(request: OrgRequest, entry_id: int) -> Any:
    found = access_entry(organisation=request.organisation, pk=entry_id)
    personal = bool(getattr(request, "auth", None) and request.auth.personal)  # type: ignore[attr-defined]
    found.access_codes = (  # type: ignore[attr-defined]
        codes_for(entry=found, organisation=request.organisation, today=timezone.localdate())
        if personal
        else []
    )
    return found
