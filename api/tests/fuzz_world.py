"""The data the API fuzz runs against: one of everything the API can point at.

Built on the personas' world (``carershub.tests.personas``). The manager is also made an HR
admin and organisation admin, so one organisation token reaches every organisation route with
data behind it: their own leave, the carer's requests they decide, staff, plans, assessments
and the commitment. The carer's personal token reaches the passport and personal plan routes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from api.services import api_token_create
from audit.models import Channel
from benchmarks.services import AnswerInput, assessment_start, criterion_save
from benchmarks.tests.helpers import signed_off
from carershub.tests.personas import World
from commitments.services import commitment_start_draft
from commitments.tests.helpers import published
from leave import statutory
from leave.flexible.services import flexible_request_submit
from leave.services import carers_leave_request, dependants_time_off_record
from organisations.models import Membership, Nation, Organisation, Role
from passports.tests.helpers import agreed_passport
from plans.services import (
    ActionInput,
    action_create,
    org_plan_create,
    priority_create,
    progress_add,
)
from plans.tests.helpers import personal_plan, strategy_plan

PERSONAL_PREFIXES = ("/api/v1/passports", "/api/v1/plans/personal")
#: Fixed secrets, so that requests built before the world exists (schemathesis makes its
#: boundary cases while collecting the tests) carry a token that works once it does.
ORGANISATION_TOKEN = "wch_fuzz-organisation-token-of-the-manager"
PERSONAL_TOKEN = "wch_fuzz-personal-token-of-the-carer"


def token_for(path: str) -> str:
    """The passport and personal plan routes take only a personal token; the rest only an
    organisation token."""
    return PERSONAL_TOKEN if path.startswith(PERSONAL_PREFIXES) else ORGANISATION_TOKEN


def _token(user: User, organisation: Organisation, secret: str, *, personal: bool) -> None:
    token, _secret = api_token_create(
        user=user,
        organisation=organisation,
        name="Fuzz",
        channel=Channel.COMMAND,
        personal=personal,
    )
    ApiToken.objects.filter(pk=token.pk).update(
        key_hash=hashlib.sha256(secret.encode()).hexdigest()
    )


@dataclass
class FuzzWorld:
    """Real objects for the fuzz to name: for each part of the API (a path prefix), sets of
    ids that belong together, such as a plan with one of its priorities and actions."""

    places: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def real_ids(self, path: str, pick: int) -> dict[str, Any]:
        """One set of ids for the route at ``path``, the ``pick``-th of those that fit."""
        for prefix, sets in self.places.items():
            if path.startswith(prefix):
                return sets[pick % len(sets)]
        return {}


def _working_day(day: date) -> date:
    """``day`` or the next weekday that is no nation's bank holiday (carer's leave needs one)."""
    while any(
        statutory.carers_leave_day_problem(day=day, working_days="12345", nation=nation)
        for nation in Nation
    ):
        day += timedelta(days=1)
    return day


def build(world: World) -> FuzzWorld:
    today = timezone.localdate()
    manager = world.manager
    for role in (Role.HR_ADMIN, Role.ORG_ADMIN):
        Membership.objects.create(user=manager, organisation=world.org, role=role)
    _token(manager, world.org, ORGANISATION_TOKEN, personal=False)
    _token(world.carer, world.org, PERSONAL_TOKEN, personal=True)

    # The carer's agreed passport and personal plan.
    agreed_passport(world)
    own_plan = personal_plan(world, owner="carer")

    # Leave: the carer's request for the manager to decide, the manager's own to cancel.
    first = _working_day(today + timedelta(days=30))
    carers = carers_leave_request(
        staff=world.carer_record, days=[(first, "full")], note="", by=world.carer, today=today
    )
    own_leave = carers_leave_request(
        staff=world.manager_record, days=[(first, "am")], note="", by=manager, today=today
    )
    dependants_time_off_record(
        staff=world.carer_record,
        first_day=today - timedelta(days=3),
        days=Decimal("1.0"),
        note="",
        by=world.carer,
        today=today,
    )
    flexible = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at ten on Tuesdays",
        start_from=today + timedelta(days=60),
        by=world.carer,
        today=today,
    )
    own_flexible = flexible_request_submit(
        staff=world.manager_record,
        change_requested="Compressed hours",
        start_from=today + timedelta(days=60),
        by=manager,
        today=today,
    )

    # Plans: one with progress reported, one bare that may be deleted.
    plan, action = strategy_plan(world)
    progress_add(action=action, period=plan.periods[0], text="Begun", rag="amber", by=manager)
    bare = org_plan_create(
        organisation=world.org,
        title="Bare plan",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        by=manager,
    )
    bare_priority = priority_create(plan=bare, title="Empty", by=manager)
    bare_action_priority = priority_create(plan=bare, title="With an action", by=manager)
    bare_action = action_create(
        priority=bare_action_priority, data=ActionInput(planned_action="Plan it"), by=manager
    )

    # Benchmarks: a signed-off assessment and a draft after it with a criterion answered.
    signed = signed_off(world)
    draft = assessment_start(
        organisation=world.org, framework_slug="carer-positive", based_on=signed, by=manager
    )
    criterion_save(
        assessment=draft,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput("partly", "Drafted")},
        narrative="Written, not yet agreed.",
        by=manager,
        expected_version=None,
    )

    # The commitment: version 1 published, version 2 a draft.
    first_version = published(world)
    second = commitment_start_draft(commitment=first_version.commitment, by=manager, text=None)

    champion = Membership.objects.get(
        user=world.champion, organisation=world.org, role=Role.CHAMPION
    )
    people = {
        "staff_id": world.carer_record.pk,
        "unit_id": world.carer_record.unit_id,
        "line_manager_id": world.manager_record.pk,
    }
    return FuzzWorld(
        places={
            "/api/v1/staff": [people, {**people, "staff_id": world.manager_record.pk}],
            "/api/v1/units": [people],
            "/api/v1/memberships": [{"membership_id": champion.pk}],
            "/api/v1/leave/carers": [
                {**people, "request_id": carers.pk},
                {**people, "request_id": own_leave.pk, "staff_id": world.manager_record.pk},
            ],
            "/api/v1/leave/dependants": [people],
            "/api/v1/leave/flexible": [
                {"request_id": flexible.pk},
                {"request_id": own_flexible.pk},
            ],
            "/api/v1/passports": [{"number": 1}],
            "/api/v1/benchmarks": [
                {"slug": "carer-positive", "assessment_id": draft.pk, "criterion_key": "policy"},
                {"slug": "carer-confident", "assessment_id": signed.pk, "based_on_id": signed.pk},
                {"slug": "efc-action-list", "assessment_id": draft.pk, "criterion_key": "nothing"},
            ],
            "/api/v1/plans/org": [
                {
                    "plan_id": plan.pk,
                    "priority_id": action.priority_id,
                    "action_id": action.pk,
                    "source_assessment_id": draft.pk,
                },
                {"plan_id": bare.pk, "priority_id": bare_priority.pk, "action_id": bare_action.pk},
                {
                    "plan_id": bare.pk,
                    "priority_id": bare_action_priority.pk,
                    "action_id": bare_action.pk,
                },
            ],
            "/api/v1/plans/personal": [{"plan_id": own_plan.pk}],
            "/api/v1/commitments": [{"number": 1}, {"number": second.number}],
        }
    )
