"""The HR-integration API. Each route checks the same permissions as the pages."""

from typing import Any

from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import (
    LeaveIn,
    MembershipIn,
    MembershipOut,
    OrganisationOut,
    Problem,
    StaffIn,
    StaffOut,
    StaffPatch,
    UnitIn,
    UnitOut,
)
from audit.models import Action, Channel
from audit.services import audit_record
from organisations import working_pattern
from organisations.access import access_membership, access_staff_record, access_unit
from organisations.models import Membership, Organisation, StaffRecord, StaffStatus, Unit
from organisations.selectors import memberships_matching, staff_records_visible_to, units_of
from organisations.services import (
    membership_grant_by_email,
    membership_revoke,
    staff_record_create,
    staff_record_mark_left,
    staff_record_update,
    unit_create,
)
from organisations.types import OrgRequest
from shared.text import SingleLine

router = Router()
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
# Writes may also meet a body that is not JSON (400) or a clashing change (409).
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}


def needs(permission: str) -> BearerToken:
    """Authentication for a route open to token owners with ``permission`` in its organisation."""
    return BearerToken(permission)


def _resolve(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """Turn ids into objects of the same organisation; another organisation's id is a 404."""
    resolved = dict(data)
    if "unit_id" in resolved:
        unit_id = resolved.pop("unit_id")
        resolved["unit"] = (
            access_unit(organisation=organisation, pk=unit_id) if unit_id is not None else None
        )
    if "line_manager_id" in resolved:
        manager_id = resolved.pop("line_manager_id")
        resolved["line_manager"] = (
            access_staff_record(organisation=organisation, pk=manager_id)
            if manager_id is not None
            else None
        )
    if "working_days" in resolved:
        # Codes ("mon"…) in the API, weekday digits in the database; null changes nothing.
        codes = resolved.pop("working_days")
        if codes is not None:
            resolved["working_days"] = working_pattern.from_codes(codes)
    if "works_bank_holidays" in resolved and resolved["works_bank_holidays"] is None:
        del resolved["works_bank_holidays"]  # null changes nothing, as for working_days
    return resolved


class StaffFilters(Schema):
    q: SingleLine = Field(
        "", description="Words matching the start of a name, or an exact staff number or email."
    )
    unit_id: int | None = None
    status: StaffStatus | None = None


@router.get(
    "/organisation",
    auth=needs("organisations.use_organisation"),
    response={200: OrganisationOut, **ERRORS},
    tags=["organisation"],
)
def get_organisation(request: OrgRequest) -> Organisation:
    return request.organisation


@router.get(
    "/units",
    auth=needs("organisations.view_units"),
    response={200: list[UnitOut], **ERRORS},
    tags=["units"],
)
@paginate(Pages, page_size=100)
def list_units(request: OrgRequest) -> Any:
    organisation = request.organisation
    return units_of(organisation=organisation)


# No separate unit permission exists yet; changing the structure staff sit in is HR's job.
@router.post(
    "/units",
    auth=needs("organisations.change_units"),
    response={201: UnitOut, **WRITE_ERRORS},
    tags=["units"],
)
def create_unit(request: OrgRequest, payload: UnitIn) -> Status[Unit]:
    organisation = request.organisation
    parent = (
        access_unit(organisation=organisation, pk=payload.parent_id)
        if payload.parent_id is not None
        else None
    )
    unit = unit_create(
        organisation=organisation,
        code=payload.code,
        name=payload.name,
        parent=parent,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, unit)


@router.get(
    "/staff",
    auth=needs("organisations.view_staff"),
    response={200: list[StaffOut], **ERRORS},
    tags=["staff"],
)
@paginate(Pages, page_size=100, max_page_size=500)
def list_staff(request: OrgRequest, filters: Query[StaffFilters]) -> Any:
    organisation = request.organisation
    return staff_records_visible_to(
        organisation=organisation,
        query=filters.q,
        unit_id=filters.unit_id,
        status=filters.status or "",
    )


@router.post(
    "/staff",
    auth=needs("organisations.change_staff"),
    response={201: StaffOut, **WRITE_ERRORS},
    tags=["staff"],
)
def create_staff(request: OrgRequest, payload: StaffIn) -> Status[StaffRecord]:
    organisation = request.organisation
    record = staff_record_create(
        organisation=organisation,
        data=_resolve(organisation, payload.dict()),
        by=request.user,
        channel=Channel.API,
    )
    record.refresh_from_db()  # return what was stored: decimals as the database rounds them
    return Status(201, record)


@router.get(
    "/staff/{staff_id}",
    auth=needs("organisations.view_staff"),
    response={200: StaffOut, **ERRORS},
    tags=["staff"],
)
def get_staff(request: OrgRequest, staff_id: int) -> StaffRecord:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=staff_id)
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.API,
        target=record,
        organisation_id=organisation.pk,
        summary=f"Read staff record {record.staff_number} through the API",
    )
    return record


@router.patch(
    "/staff/{staff_id}",
    auth=needs("organisations.change_staff"),
    response={200: StaffOut, **WRITE_ERRORS},
    tags=["staff"],
)
def update_staff(request: OrgRequest, staff_id: int, payload: StaffPatch) -> StaffRecord:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=staff_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    record = staff_record_update(
        record=record,
        data=_resolve(organisation, data),
        by=request.user,
        channel=Channel.API,
        expected_version=version,
    )
    record.refresh_from_db()  # return what was stored: decimals as the database rounds them
    return record


@router.post(
    "/staff/{staff_id}/leave",
    auth=needs("organisations.change_staff"),
    response={200: StaffOut, **WRITE_ERRORS},
    tags=["staff"],
)
def mark_staff_left(
    request: OrgRequest, staff_id: int, payload: Body[LeaveIn | None] = None
) -> StaffRecord:
    organisation = request.organisation
    record = access_staff_record(organisation=organisation, pk=staff_id)
    return staff_record_mark_left(
        record=record,
        left_on=payload.left_on if payload else None,
        by=request.user,
        channel=Channel.API,
    )


@router.get(
    "/memberships",
    auth=needs("organisations.invite_people"),
    response={200: list[MembershipOut], **ERRORS},
    tags=["memberships"],
)
@paginate(Pages, page_size=100)
def list_memberships(request: OrgRequest) -> Any:
    organisation = request.organisation
    return memberships_matching(organisation=organisation)


@router.post(
    "/memberships",
    auth=needs("organisations.manage_members"),
    response={201: MembershipOut, **WRITE_ERRORS},
    tags=["memberships"],
)
def grant_membership(request: OrgRequest, payload: MembershipIn) -> Status[Membership]:
    """Give a role to someone already in the organisation (invite newcomers from the web page)."""
    membership = membership_grant_by_email(
        email=payload.email,
        organisation=request.organisation,
        role=payload.role,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, access_membership(organisation=request.organisation, pk=membership.pk))


@router.delete(
    "/memberships/{membership_id}",
    auth=needs("organisations.manage_members"),
    response={204: None, **WRITE_ERRORS},
    tags=["memberships"],
)
def revoke_membership(request: OrgRequest, membership_id: int) -> Status[None]:
    organisation = request.organisation
    membership = access_membership(organisation=organisation, pk=membership_id)
    membership_revoke(membership=membership, by=request.user, channel=Channel.API)
    return Status(204, None)
