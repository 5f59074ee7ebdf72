"""Action plans in the API: the same services and permissions as the pages.

Organisational plans (``/plans/org/…``) take an organisation token: HR admins and
organisation admins change plans, priorities and actions; sponsors and champions read;
an action's owner reads its plan and reports progress on it. Personal plans
(``/plans/personal/…``) take only a **personal** token and reach only its owner's own
plans: an HR system can never read one.

Edits carry ``version``; a stale one is refused with 409 ``edit_conflict``. As elsewhere
in the API a ``PATCH`` may leave it out (the change then applies to what is there), but
replacing a whole personal plan (``PUT``) must send it, since rows left out are deleted.
An action point or plan with progress is never deleted (409 ``has_progress``): the
history stays. Lists are paginated like every other list in the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem, Whole
from audit.models import Channel
from organisations.types import OrgRequest
from plans.models import (
    ActionPoint,
    ActionStatus,
    OrgPlan,
    PersonalPlan,
    Priority,
    ProgressEntry,
    Rag,
)
from plans.selectors import (
    access_action_point,
    access_org_plan,
    access_priority,
    actions_of,
    member_by_email,
    org_plans_visible_to,
    personal_plans_of,
    progress_of,
)
from plans.services import (
    MAX_ROWS,
    ActionInput,
    RowInput,
    action_create,
    action_delete,
    action_update,
    org_plan_create,
    org_plan_delete,
    org_plan_update,
    personal_plan_create,
    personal_plan_delete,
    personal_plan_update,
    priority_create,
    priority_delete,
    priority_update,
    progress_add,
)
from shared.text import MultiLine, SingleLine

router = Router(tags=["plans"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
MEMBER = BearerToken("plans.use_plans")
MANAGER = BearerToken("plans.manage_org_plans")
OWN = BearerToken("plans.use_plans", personal=True)

# --- Schemas ---------------------------------------------------------------------------------


class OrgPlanIn(Schema):
    title: SingleLine = Field(min_length=1, max_length=200)
    period_start: date
    period_end: date
    periods: list[SingleLine] | None = Field(
        None,
        description="Progress periods in order, such as ['2026/27', '2027/28']. Leave out to use "
        "the financial years (April to March) the dates span.",
        max_length=20,
    )


class OrgPlanPatch(Schema):
    version: Whole | None = Field(None, description="The version you read; a stale one gets 409.")
    title: SingleLine | None = Field(None, min_length=1, max_length=200)
    period_start: date | None = None
    period_end: date | None = None
    periods: list[SingleLine] | None = Field(None, max_length=20)


class PriorityIn(Schema):
    number: SingleLine = Field("", max_length=20, description="Leave empty to number it next.")
    title: SingleLine = Field(min_length=1, max_length=300)
    aim: MultiLine = Field("", max_length=2000)


class PriorityPatch(Schema):
    version: Whole | None = None
    number: SingleLine | None = Field(None, max_length=20)
    title: SingleLine | None = Field(None, min_length=1, max_length=300)
    aim: MultiLine | None = Field(None, max_length=2000)


class ActionIn(Schema):
    priority_id: Whole
    number: SingleLine = Field("", max_length=30, description="Leave empty to number it next.")
    planned_action: MultiLine = Field(min_length=1, max_length=2000)
    what_we_will_do: MultiLine = Field("", max_length=4000)
    risks: MultiLine = Field("", max_length=2000)
    owner_email: SingleLine | None = Field(
        None, max_length=254, description="The sign-in email of a member of the organisation."
    )
    due_on: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    criterion_ref: SingleLine = Field("", max_length=200)
    criterion_title: SingleLine = Field("", max_length=300)
    requirement_ref: SingleLine = Field("", max_length=300)
    source_assessment_id: Whole | None = Field(
        None,
        description="A self-assessment of this organisation (GET /benchmarks/assessments); "
        "any other id is 422 invalid_data.",
    )


class ActionPatch(Schema):
    version: Whole | None = None
    priority_id: Whole | None = None
    number: SingleLine | None = Field(None, max_length=30)
    planned_action: MultiLine | None = Field(None, min_length=1, max_length=2000)
    what_we_will_do: MultiLine | None = Field(None, max_length=4000)
    risks: MultiLine | None = Field(None, max_length=2000)
    owner_email: SingleLine | None = Field(
        None, max_length=254, description="An empty string removes the owner."
    )
    due_on: date | None = None
    status: ActionStatus | None = None
    criterion_ref: SingleLine | None = Field(None, max_length=200)
    criterion_title: SingleLine | None = Field(None, max_length=300)


class ProgressIn(Schema):
    period: SingleLine = Field(
        min_length=1, max_length=40, description="One of the plan's periods."
    )
    rag: Rag
    text: MultiLine = Field(min_length=1, max_length=4000)


class ProgressOut(Schema):
    id: int
    action_id: int
    period: str
    rag: Rag
    text: str
    by: str = Field(alias="by_name")
    at: datetime


class ActionOut(Schema):
    id: int
    priority_id: int
    number: str
    planned_action: str
    what_we_will_do: str
    risks: str
    owner_email: str | None
    due_on: date | None
    status: ActionStatus
    criterion_ref: str
    criterion_title: str
    requirement_ref: str
    source_assessment_id: int | None
    version: int

    @staticmethod
    def resolve_owner_email(obj: ActionPoint) -> str | None:
        return obj.owner.email if obj.owner else None


class PriorityOut(Schema):
    id: int
    number: str
    title: str
    aim: str
    criterion_ref: str
    version: int


class PriorityWithActions(PriorityOut):
    actions: list[ActionOut]


class OrgPlanOut(Schema):
    id: int
    title: str
    period_start: date
    period_end: date
    periods: list[str]
    version: int


class OrgPlanDetailOut(OrgPlanOut):
    priorities: list[PriorityWithActions]


class RowSchema(Schema):
    criterion_ref: SingleLine = Field("", max_length=200)
    criterion_title: SingleLine = Field("", max_length=300)
    action: MultiLine = Field(min_length=1, max_length=2000)
    help_from: MultiLine = Field("", max_length=1000)
    due_on: date | None = None
    due_note: SingleLine = Field("", max_length=200)
    done: bool = False


class RowIn(RowSchema):
    id: Whole | None = Field(None, description="An existing row's id, to keep and change it.")


class RowOut(RowSchema):
    id: int


class PersonalPlanIn(Schema):
    title: SingleLine = Field(min_length=1, max_length=200)
    goal: MultiLine = Field("", max_length=2000)
    first_step: MultiLine = Field("", max_length=1000)
    first_step_on: date | None = None
    rows: list[RowIn] = Field(
        default_factory=list,
        max_length=MAX_ROWS,
        description="The whole list, in order. Send a row's id to keep it; rows left out are removed.",
    )


class PersonalPlanReplace(PersonalPlanIn):
    version: Whole = Field(
        ge=1,
        description="The version you read, required: a stale one gets 409 and nothing is saved.",
    )


class PersonalPlanOut(Schema):
    id: int
    title: str
    goal: str
    first_step: str
    first_step_on: date | None
    version: int
    rows: list[RowOut]
    shared_with: list[str]

    @staticmethod
    def resolve_rows(obj: PersonalPlan) -> list[dict[str, Any]]:
        return [
            {
                "id": r.pk,
                "criterion_ref": r.criterion_ref,
                "criterion_title": r.criterion_title,
                "action": r.action,
                "help_from": r.help_from,
                "due_on": r.due_on,
                "due_note": r.due_note,
                "done": r.done,
            }
            for r in obj.rows.all()
        ]

    @staticmethod
    def resolve_shared_with(obj: PersonalPlan) -> list[str]:
        return [s.with_user.email for s in obj.open_shares]


# --- Organisational plans --------------------------------------------------------------------


def _plan(request: OrgRequest, plan_id: int) -> OrgPlan:
    return access_org_plan(viewer=request.user, organisation=request.organisation, pk=plan_id)


def _managed(request: OrgRequest, plan_id: int) -> OrgPlan:
    plan = _plan(request, plan_id)
    if not request.user.has_perm("plans.change_org_plan", plan):
        raise PermissionDenied
    return plan


def _detail(plan: OrgPlan) -> dict[str, Any]:
    actions: dict[int, list[ActionPoint]] = {}
    for action in actions_of(plan=plan):
        actions.setdefault(action.priority_id, []).append(action)
    return {
        "id": plan.pk,
        "title": plan.title,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "periods": plan.periods,
        "version": plan.version,
        "priorities": [
            {
                "id": p.pk,
                "number": p.number,
                "title": p.title,
                "aim": p.aim,
                "criterion_ref": p.criterion_ref,
                "version": p.version,
                "actions": actions.get(p.pk, []),
            }
            for p in plan.priorities.all()
        ],
    }


def _owner(request: OrgRequest, email: str | None) -> Any:
    if not email:
        return None
    owner = member_by_email(organisation=request.organisation, email=email)
    if owner is None:
        raise ValidationError({"owner_email": "Nobody with that email address is a member here."})
    return owner


def _action(request: OrgRequest, plan: OrgPlan, action_id: int) -> ActionPoint:
    return access_action_point(plan=plan, pk=action_id)


@router.get("/org", auth=MEMBER, response={200: list[OrgPlanOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_org_plans(request: OrgRequest) -> Any:
    """Every plan for HR, admins, sponsors and champions; for anyone else, the plans with
    an action they own."""
    return org_plans_visible_to(viewer=request.user, organisation=request.organisation)


@router.post("/org", auth=MANAGER, response={201: OrgPlanDetailOut, **WRITE_ERRORS})
def create_org_plan(request: OrgRequest, payload: OrgPlanIn) -> Status[dict[str, Any]]:
    plan = org_plan_create(
        organisation=request.organisation,
        title=payload.title,
        period_start=payload.period_start,
        period_end=payload.period_end,
        periods=payload.periods,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, _detail(plan))


@router.get("/org/{plan_id}", auth=MEMBER, response={200: OrgPlanDetailOut, **ERRORS})
def get_org_plan(request: OrgRequest, plan_id: int) -> dict[str, Any]:
    return _detail(_plan(request, plan_id))


@router.patch("/org/{plan_id}", auth=MANAGER, response={200: OrgPlanDetailOut, **WRITE_ERRORS})
def update_org_plan(request: OrgRequest, plan_id: int, payload: OrgPlanPatch) -> dict[str, Any]:
    plan = _managed(request, plan_id)
    data = payload.dict(exclude_unset=True)
    saved = org_plan_update(
        plan=plan,
        expected_version=data.get("version"),
        title=data.get("title") or plan.title,
        period_start=data.get("period_start") or plan.period_start,
        period_end=data.get("period_end") or plan.period_end,
        periods=data["periods"] if data.get("periods") is not None else plan.periods,
        by=request.user,
        channel=Channel.API,
    )
    return _detail(saved)


@router.delete("/org/{plan_id}", auth=MANAGER, response={204: None, **WRITE_ERRORS})
def delete_org_plan(request: OrgRequest, plan_id: int) -> Status[None]:
    """Only a plan without progress: one with progress is refused (409 ``has_progress``)."""
    org_plan_delete(plan=_managed(request, plan_id), by=request.user, channel=Channel.API)
    return Status(204, None)


@router.post("/org/{plan_id}/priorities", auth=MANAGER, response={201: PriorityOut, **WRITE_ERRORS})
def create_priority(request: OrgRequest, plan_id: int, payload: PriorityIn) -> Status[Priority]:
    plan = _managed(request, plan_id)
    priority = priority_create(
        plan=plan,
        number=payload.number,
        title=payload.title,
        aim=payload.aim,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, priority)


@router.patch(
    "/org/{plan_id}/priorities/{priority_id}",
    auth=MANAGER,
    response={200: PriorityOut, **WRITE_ERRORS},
)
def update_priority(
    request: OrgRequest, plan_id: int, priority_id: int, payload: PriorityPatch
) -> Priority:
    priority = access_priority(plan=_managed(request, plan_id), pk=priority_id)
    data = payload.dict(exclude_unset=True)
    return priority_update(
        priority=priority,
        expected_version=data.get("version"),
        number=data.get("number") or priority.number,
        title=data.get("title") or priority.title,
        aim=data["aim"] if data.get("aim") is not None else priority.aim,
        by=request.user,
        channel=Channel.API,
    )


@router.delete(
    "/org/{plan_id}/priorities/{priority_id}", auth=MANAGER, response={204: None, **WRITE_ERRORS}
)
def delete_priority(request: OrgRequest, plan_id: int, priority_id: int) -> Status[None]:
    """Only an empty priority: one with action points is refused (422 ``invalid_data``)."""
    priority = access_priority(plan=_managed(request, plan_id), pk=priority_id)
    priority_delete(priority=priority, by=request.user, channel=Channel.API)
    return Status(204, None)


@router.get("/org/{plan_id}/actions", auth=MEMBER, response={200: list[ActionOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=500)
def list_actions(request: OrgRequest, plan_id: int) -> Any:
    plan = _plan(request, plan_id)
    return actions_of(plan=plan)


@router.post("/org/{plan_id}/actions", auth=MANAGER, response={201: ActionOut, **WRITE_ERRORS})
def create_action(request: OrgRequest, plan_id: int, payload: ActionIn) -> Status[ActionPoint]:
    plan = _managed(request, plan_id)
    priority = access_priority(plan=plan, pk=payload.priority_id)
    action = action_create(
        priority=priority,
        data=ActionInput(
            planned_action=payload.planned_action,
            number=payload.number,
            what_we_will_do=payload.what_we_will_do,
            risks=payload.risks,
            owner=_owner(request, payload.owner_email),
            due_on=payload.due_on,
            status=payload.status,
            criterion_ref=payload.criterion_ref,
            criterion_title=payload.criterion_title,
            requirement_ref=payload.requirement_ref,
        ),
        source_assessment_id=payload.source_assessment_id,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, access_action_point(plan=plan, pk=action.pk))


@router.get("/org/{plan_id}/actions/{action_id}", auth=MEMBER, response={200: ActionOut, **ERRORS})
def get_action(request: OrgRequest, plan_id: int, action_id: int) -> ActionPoint:
    return _action(request, _plan(request, plan_id), action_id)


@router.patch(
    "/org/{plan_id}/actions/{action_id}", auth=MANAGER, response={200: ActionOut, **WRITE_ERRORS}
)
def update_action(
    request: OrgRequest, plan_id: int, action_id: int, payload: ActionPatch
) -> ActionPoint:
    plan = _managed(request, plan_id)
    action = _action(request, plan, action_id)
    data = payload.dict(exclude_unset=True)

    def given(name: str, current: Any) -> Any:
        return data[name] if data.get(name) is not None else current

    owner = _owner(request, data["owner_email"]) if "owner_email" in data else action.owner
    priority = (
        access_priority(plan=plan, pk=data["priority_id"])
        if data.get("priority_id") is not None
        else None
    )
    action_update(
        action=action,
        expected_version=data.get("version"),
        data=ActionInput(
            planned_action=given("planned_action", action.planned_action),
            number=given("number", action.number),
            what_we_will_do=given("what_we_will_do", action.what_we_will_do),
            risks=given("risks", action.risks),
            owner=owner,
            due_on=data.get("due_on", action.due_on),
            status=given("status", action.status),
            criterion_ref=given("criterion_ref", action.criterion_ref),
            criterion_title=given("criterion_title", action.criterion_title),
            requirement_ref=action.requirement_ref,
        ),
        priority=priority,
        by=request.user,
        channel=Channel.API,
    )
    return access_action_point(plan=plan, pk=action.pk)


@router.delete(
    "/org/{plan_id}/actions/{action_id}", auth=MANAGER, response={204: None, **WRITE_ERRORS}
)
def delete_action(request: OrgRequest, plan_id: int, action_id: int) -> Status[None]:
    """Only an action without progress: one with progress is refused (409 ``has_progress``)."""
    plan = _managed(request, plan_id)
    action = _action(request, plan, action_id)
    action_delete(action=action, by=request.user, channel=Channel.API)
    return Status(204, None)


@router.get(
    "/org/{plan_id}/actions/{action_id}/progress",
    auth=MEMBER,
    response={200: list[ProgressOut], **ERRORS},
)
@paginate(Pages, page_size=100, max_page_size=500)
def list_progress(request: OrgRequest, plan_id: int, action_id: int) -> Any:
    """Every entry, newest first; the newest of each period is the one the plan shows."""
    action = _action(request, _plan(request, plan_id), action_id)
    return progress_of(action=action)


@router.post(
    "/org/{plan_id}/actions/{action_id}/progress",
    auth=MEMBER,
    response={201: ProgressOut, **WRITE_ERRORS},
)
def add_progress(
    request: OrgRequest, plan_id: int, action_id: int, payload: ProgressIn
) -> Status[ProgressEntry]:
    """HR admins, organisation admins and the action's owner."""
    action = _action(request, _plan(request, plan_id), action_id)
    if not request.user.has_perm("plans.add_progress", action):
        raise PermissionDenied
    entry = progress_add(
        action=action,
        period=payload.period,
        text=payload.text,
        rag=payload.rag,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, entry)


# --- Personal plans (personal tokens only) ---------------------------------------------------


def _mine(request: OrgRequest, plan_id: int) -> PersonalPlan:
    """The token owner's own plan; anyone else's (shared with them or not) is 404."""
    plan = personal_plans_of(viewer=request.user, organisation=request.organisation).filter(
        pk=plan_id
    )
    found = plan.prefetch_related("rows").first()
    if found is None:
        raise Http404
    return found


def _rows(payload: PersonalPlanIn | PersonalPlanReplace) -> list[RowInput]:
    return [
        RowInput(
            id=row.id,
            criterion_ref=row.criterion_ref,
            criterion_title=row.criterion_title,
            action=row.action,
            help_from=row.help_from,
            due_on=row.due_on,
            due_note=row.due_note,
            done=row.done,
        )
        for row in payload.rows
    ]


@router.get("/personal", auth=OWN, response={200: list[PersonalPlanOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_personal_plans(request: OrgRequest) -> Any:
    """The token owner's own plans in the token's organisation, newest change first."""
    return personal_plans_of(
        viewer=request.user, organisation=request.organisation
    ).prefetch_related("rows")


@router.post("/personal", auth=OWN, response={201: PersonalPlanOut, **WRITE_ERRORS})
def create_personal_plan(request: OrgRequest, payload: PersonalPlanIn) -> Status[PersonalPlan]:
    plan = personal_plan_create(
        organisation=request.organisation,
        by=request.user,
        title=payload.title,
        goal=payload.goal,
        first_step=payload.first_step,
        first_step_on=payload.first_step_on,
        rows=_rows(payload),
        channel=Channel.API,
    )
    return Status(201, _mine(request, plan.pk))


@router.get("/personal/{plan_id}", auth=OWN, response={200: PersonalPlanOut, **ERRORS})
def get_personal_plan(request: OrgRequest, plan_id: int) -> PersonalPlan:
    return _mine(request, plan_id)


@router.put("/personal/{plan_id}", auth=OWN, response={200: PersonalPlanOut, **WRITE_ERRORS})
def replace_personal_plan(
    request: OrgRequest, plan_id: int, payload: PersonalPlanReplace
) -> PersonalPlan:
    """Replace the whole plan, rows included, as the page saves it. ``version`` is
    required: rows left out are deleted, so a stale copy must never overwrite."""
    plan = _mine(request, plan_id)
    personal_plan_update(
        plan=plan,
        expected_version=payload.version,
        by=request.user,
        title=payload.title,
        goal=payload.goal,
        first_step=payload.first_step,
        first_step_on=payload.first_step_on,
        rows=_rows(payload),
        channel=Channel.API,
    )
    return _mine(request, plan_id)


@router.delete("/personal/{plan_id}", auth=OWN, response={204: None, **WRITE_ERRORS})
def delete_personal_plan(request: OrgRequest, plan_id: int) -> Status[None]:
    personal_plan_delete(plan=_mine(request, plan_id), by=request.user, channel=Channel.API)
    return Status(204, None)
