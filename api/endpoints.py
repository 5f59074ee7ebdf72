"""The HR-integration API. Each route checks the same permissions as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from api.schemas import (
    LeaveIn,
    MembershipOut,
    OrganisationOut,
    Problem,
    StaffIn,
    StaffOut,
    StaffPatch,
    UnitIn,
    UnitOut,
)
from audit.models import Channel
from carershub.types import OrgRequest
from organisations.models import Membership, Organisation, StaffRecord, Unit
from organisations.selectors import staff_records_visible_to
from organisations.services import (
    staff_record_create,
    staff_record_mark_left,
    staff_record_update,
    unit_create,
)

router = Router()
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


def _org(request: OrgRequest, permission: str) -> Organisation:
    organisation = request.organisation
    if not request.user.has_perm(permission, organisation):
        raise PermissionDenied
    return organisation


def _resolve(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """Turn ids into objects of the same organisation; another organisation's id is a 404."""
    resolved = dict(data)
    if "unit_id" in resolved:
        unit_id = resolved.pop("unit_id")
        resolved["unit"] = (
            get_object_or_404(Unit, pk=unit_id, organisation=organisation) if unit_id else None
        )
    if "line_manager_id" in resolved:
        manager_id = resolved.pop("line_manager_id")
        resolved["line_manager"] = (
            get_object_or_404(StaffRecord, pk=manager_id, organisation=organisation)
            if manager_id
            else None
        )
    return resolved


class StaffFilters(Schema):
    q: str = ""
    unit_id: int | None = None
    status: str = ""


@router.get("/organisation", response={200: OrganisationOut, **ERRORS}, tags=["organisation"])
def get_organisation(request: OrgRequest) -> Organisation:
    return _org(request, "organisations.view_organisation")


@router.get("/units", response=list[UnitOut], tags=["units"])
@paginate(PageNumberPagination, page_size=100)
def list_units(request: OrgRequest) -> Any:
    organisation = _org(request, "organisations.view_units")
    return Unit.objects.filter(organisation=organisation).order_by("code")


@router.post("/units", response={201: UnitOut, **ERRORS}, tags=["units"])
def create_unit(request: OrgRequest, payload: UnitIn) -> tuple[int, Unit]:
    organisation = _org(request, "organisations.view_units")
    parent = (
        get_object_or_404(Unit, pk=payload.parent_id, organisation=organisation)
        if payload.parent_id
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
    return 201, unit


@router.get("/staff", response=list[StaffOut], tags=["staff"])
@paginate(PageNumberPagination, page_size=100, max_page_size=500)
def list_staff(request: OrgRequest, filters: Query[StaffFilters]) -> Any:
    organisation = _org(request, "organisations.view_staff")
    return staff_records_visible_to(
        organisation=organisation, query=filters.q, unit_id=filters.unit_id, status=filters.status
    )


@router.post("/staff", response={201: StaffOut, **ERRORS}, tags=["staff"])
def create_staff(request: OrgRequest, payload: StaffIn) -> tuple[int, StaffRecord]:
    organisation = _org(request, "organisations.change_staff")
    record = staff_record_create(
        organisation=organisation,
        data=_resolve(organisation, payload.dict()),
        by=request.user,
        channel=Channel.API,
    )
    return 201, record


@router.get("/staff/{staff_id}", response={200: StaffOut, **ERRORS}, tags=["staff"])
def get_staff(request: OrgRequest, staff_id: int) -> StaffRecord:
    organisation = _org(request, "organisations.view_staff")
    return get_object_or_404(StaffRecord, pk=staff_id, organisation=organisation)


@router.patch("/staff/{staff_id}", response={200: StaffOut, 409: Problem, **ERRORS}, tags=["staff"])
def update_staff(request: OrgRequest, staff_id: int, payload: StaffPatch) -> StaffRecord:
    organisation = _org(request, "organisations.change_staff")
    record = get_object_or_404(StaffRecord, pk=staff_id, organisation=organisation)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    return staff_record_update(
        record=record,
        data=_resolve(organisation, data),
        by=request.user,
        channel=Channel.API,
        expected_version=version,
    )


@router.post("/staff/{staff_id}/leave", response={200: StaffOut, **ERRORS}, tags=["staff"])
def mark_staff_left(request: OrgRequest, staff_id: int, payload: LeaveIn) -> StaffRecord:
    organisation = _org(request, "organisations.change_staff")
    record = get_object_or_404(StaffRecord, pk=staff_id, organisation=organisation)
    return staff_record_mark_left(
        record=record, left_on=payload.left_on, by=request.user, channel=Channel.API
    )


@router.get("/memberships", response=list[MembershipOut], tags=["memberships"])
@paginate(PageNumberPagination, page_size=100)
def list_memberships(request: OrgRequest) -> Any:
    organisation = _org(request, "organisations.invite_people")
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email", "role")
    )
