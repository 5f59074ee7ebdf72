"""The support directory for integrations and apps (docs/signposting.md).

Any member in post may read the directory with a token for their organisation, an
organisation token or a personal one: the same entries the pages show them. Access codes are
sent only with a personal token, on one entry's route, and only those the token's owner may
use today: an organisation token belongs to a system (an intranet, an HR portal) that would
pass the code on to whoever it shows it to, where the pages show it only to staff who are
signed in.

The organisation's keepers (HR admins, organisation admins and carer champions, as on the
keepers' pages) add, change and remove its entries with an organisation token: keeping the
directory is work for the organisation, which a personal token never does. A token names an
organisation, never a partnership, so a partnership's entries are kept on its pages only; to
these routes they are not found (404), like another organisation's. The rules are the
services', so every refusal is a problem with the same code the pages' message stands for.
"""

from dataclasses import replace
from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.problems import ApiProblem
from api.schemas import Problem, Whole
from audit.models import Channel
from organisations.types import OrgRequest
from shared.text import MultiLine, SingleLine
from signposting.models import Entry, Kind, Topic
from signposting.places import PlaceError, place
from signposting.rules import KEEP_ENTRIES, VIEW_DIRECTORY
from signposting.selectors import (
    Search,
    access_entry,
    access_kept_entry,
    codes_for,
    search_entries,
)
from signposting.services import (
    EntryDetails,
    Owner,
    details_of,
    entry_create,
    entry_remove,
    entry_update,
)

router = Router(tags=["signposting"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
# Writes may also meet a body that is not JSON (400) or a change made since it was read (409).
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}


#: Any member in post, with an organisation token or a personal one.
MEMBER = BearerToken(VIEW_DIRECTORY, personal=None)
#: The organisation's keepers, with an organisation token only.
KEEPER = BearerToken(KEEP_ENTRIES)


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
    reviewed_on: date | None = Field(
        description="The last day a keeper marked it as still right without changing it."
    )
    version: int = Field(description="Send it back with a change; goes up with every change.")
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


AREAS_HELP = (
    "Postcode districts (LS1) or local authorities (Leeds); a full postcode is cut to its "
    "district. May be empty only when covers_everywhere is true."
)


class EntryIn(Schema):
    kind: SingleLine = Field(description="One of: " + ", ".join(Kind.values))
    name: SingleLine = Field(description="Unique in the organisation, whatever its case.")
    who_for: MultiLine
    how_to_get: MultiLine
    phone: SingleLine = ""
    email: SingleLine = ""
    website: SingleLine = Field("", description="An https:// or http:// address, or empty.")
    covers_everywhere: bool = False
    areas: list[SingleLine] = Field([], description=AREAS_HELP, max_length=500)
    topics: list[SingleLine] = Field(
        description="At least one of: " + ", ".join(Topic.values), max_length=50
    )
    needs: list[SingleLine] = Field(
        [], description="The passport's kinds of caring need it suits.", max_length=50
    )
    review_by: date = Field(
        description="Check it again by. The days from today to it are the period a keeper's "
        "'Still right' moves it on by."
    )


class EntryPatch(Schema):
    version: Whole | None = Field(None, description="The version you read; a stale one gets 409.")
    kind: SingleLine | None = None
    name: SingleLine | None = None
    who_for: MultiLine | None = None
    how_to_get: MultiLine | None = None
    phone: SingleLine | None = None
    email: SingleLine | None = None
    website: SingleLine | None = None
    covers_everywhere: bool | None = None
    areas: list[SingleLine] | None = Field(None, description=AREAS_HELP, max_length=500)
    topics: list[SingleLine] | None = Field(None, max_length=50)
    needs: list[SingleLine] | None = Field(None, max_length=50)
    review_by: date | None = None


def _details(base: EntryDetails, data: dict[str, Any]) -> EntryDetails:
    """``base`` with the fields sent; a field left out or null keeps its value."""
    given = {name: value for name, value in data.items() if value is not None}
    if "areas" in given:
        given["areas"] = "\n".join(given["areas"])
    for name in ("topics", "needs"):
        if name in given:
            given[name] = tuple(given[name])
    return replace(base, **given)


def _kept(request: OrgRequest, entry_id: int) -> Entry:
    """One of the organisation's own entries; a partnership's or another organisation's is
    a 404."""
    return access_kept_entry(owner=Owner(organisation=request.organisation), pk=entry_id)


@router.post("/entries", auth=KEEPER, response={201: EntryOut, **WRITE_ERRORS})
def create_support_entry(request: OrgRequest, payload: EntryIn) -> Status[Entry]:
    """A new entry of the organisation. The same name twice is 422 ``duplicate_entry``; a link
    that is not http or https, 422 ``unsafe_link``; an area it cannot read, 422 ``bad_area``."""
    data = payload.dict()
    data["areas"] = "\n".join(data["areas"])
    data["topics"] = tuple(data["topics"])
    data["needs"] = tuple(data["needs"])
    added = entry_create(
        owner=Owner(organisation=request.organisation),
        by=request.user,
        details=EntryDetails(**data),
        channel=Channel.API,
    )
    return Status(201, _kept(request, added.pk))


@router.patch("/entries/{entry_id}", auth=KEEPER, response={200: EntryOut, **WRITE_ERRORS})
def update_support_entry(request: OrgRequest, entry_id: int, payload: EntryPatch) -> Entry:
    """Change the fields sent; the others keep their values. Sent unchanged, nothing is written
    (not the version, not the audit log)."""
    found = _kept(request, entry_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    entry_update(
        entry=found,
        by=request.user,
        details=_details(details_of(found), data),
        # Without a version, the copy this request read: a change saved meanwhile is a
        # conflict, not quietly undone for the fields left out.
        expected_version=found.version if version is None else version,
        channel=Channel.API,
        # A "Still right" pressed meanwhile keeps its later date unless a date is sent.
        review_by_shown=found.review_by,
    )
    return _kept(request, entry_id)


@router.delete("/entries/{entry_id}", auth=KEEPER, response={204: None, **WRITE_ERRORS})
def delete_support_entry(request: OrgRequest, entry_id: int) -> Status[None]:
    """Remove the entry and its access codes."""
    entry_remove(entry=_kept(request, entry_id), by=request.user, channel=Channel.API)
    return Status(204, None)
