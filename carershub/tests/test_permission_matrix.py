"""Every URL, every persona, own, foreign and cross-tenant objects (docs/trust-rules.md, rule 6).

The URL list comes from the resolver, so a new URL that is not classified here fails
``test_every_url_is_classified``. Expected statuses: 200 shown, 201 created, 302 redirect
(to sign in for anonymous visitors, or after a successful action), 401 no API token,
403 too little role in your own organisation, 404 another organisation's object, 405 wrong method.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from api.services import api_token_create
from audit.models import Channel
from benchmarks.models import Assessment, AssessmentStatus
from benchmarks.services import assessment_sign_off, assessment_start, evidence_upload
from carershub.tests.personas import PERSONAS, World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from credentials.models import TrustedIssuer
from credentials.services import active_key, issuer_for
from leave import statutory
from leave.flexible.services import flexible_request_submit
from leave.models import CarersLeaveRequest, Deputy, FlexibleWorkingRequest
from leave.services import carers_leave_request
from organisations.invitations import invitation_send
from organisations.models import (
    Invitation,
    Membership,
    Nation,
    Organisation,
    Partnership,
    Role,
    StaffImport,
    StaffRecord,
)
from organisations.services import staff_import_stage
from passports.models import Adjustment, Passport
from passports.services import adjustment_add, carer_declare
from plans.models import ActionPoint, OrgPlan, PersonalPlan, PersonalPlanShare, Priority

ANON = "anonymous"
#: Pages about one's own records, still open to someone who has left the organisation
#: (``organisations.use_own_records``); every other organisation page refuses them at once.
OWN_RECORDS = frozenset(
    {
        "organisations:home",
        "organisations:my_record",
        "passports:carer_home",
        "passports:mine",
        "passports:seen_by",
        "passports:carer_export_json",
        "passports:carer_export_pdf",
        "passports:carer_delete",
        "passports:detail",
        "passports:version",
        "passports:version_pdf",
        "passports:credential",
        "leave:home",
        "leave:carers_leave_detail",
        "flexible:home",
        "flexible:detail",
        "flexible:letter",
    }
)
EVERYONE = PERSONAS
MEMBERS = ("carer", "manager", "hr_admin", "org_admin", "champion", "sponsor")
HR = ("hr_admin", "org_admin")
BENCHMARK_READERS = ("hr_admin", "org_admin", "champion", "sponsor")
ORG_ADMIN = ("org_admin",)
#: Who reads every organisation plan; with the owner of one of its actions, who reads that one.
PLAN_READERS = ("hr_admin", "org_admin", "sponsor", "champion")
PLAN_VIEWERS = (*PLAN_READERS, "manager")


def expect(
    allowed: tuple[str, ...], ok: int, *, denied: int = 403, anon: int = 302, stranger: int = 404
) -> dict[str, int]:
    """Statuses in the home organisation: members without the role get ``denied``."""
    # Someone marked as left holds no power: whatever roles and relationships they had, they
    # are refused like a member without the role (pages about their own records aside).
    result = {ANON: anon, "outsider": stranger, "lead": stranger, "leaver": denied}
    for persona in MEMBERS:
        result[persona] = ok if persona in allowed else denied
    return result


@dataclass
class Targets:
    org: Organisation
    staff: StaffRecord
    staff_import: StaffImport
    token_id: int
    membership: Membership
    leave: CarersLeaveRequest
    invitation: Invitation
    flexible: FlexibleWorkingRequest
    passport: Passport
    adjustment: Adjustment

    @property
    def partnership(self) -> Partnership:
        """The partnership ``org`` belongs to; both organisations in the world have one."""
        assert self.org.partnership is not None
        return self.org.partnership


@dataclass
class Spec:
    method: str
    expected: dict[str, int]
    kwargs: Callable[[Targets], dict[str, Any]] = lambda t: {}
    data: dict[str, Any] | None = None
    api: bool = False
    tenant: bool = False  # scoped to an organisation: also tried against the other one
    cross: bool = False  # takes an object id: also tried with the other organisation's id
    #: The role is checked before the object is looked up, so a member without the role
    #: gets 403 even for another organisation's id. Object-first pages answer 404.
    role_first: bool = True
    #: What the outsider gets on the other organisation's copy, when it differs from what
    #: an organisation admin gets here (they own the other organisation's objects).
    foreign_outsider: int | None = None

    def __or__(self, overrides: dict[str, int]) -> Spec:
        """The same spec with some personas' expected statuses replaced."""
        return replace(self, expected={**self.expected, **overrides})


def org(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug}


def staff(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.staff.pk}


def flexible(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.flexible.pk}


def leave(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.leave.pk}


def deputy_appointment(t: Targets) -> dict[str, Any]:
    """A deputy named by the manager of ``t.staff`` (by the person themselves in the other
    organisation, where nobody manages the outsider)."""
    owner = t.staff.line_manager or t.staff
    stand_in, _ = StaffRecord.objects.get_or_create(
        organisation=owner.organisation,
        staff_number="DEP1",
        defaults={"first_name": "Stand", "last_name": "In"},
    )
    today = timezone.localdate()
    found, _ = Deputy.objects.get_or_create(
        manager=owner,
        deputy=stand_in,
        defaults={
            "from_date": today,
            "to_date": today + timedelta(days=7),
            "created_by": owner.user,
        },
    )
    return {"org_slug": t.org.slug, "pk": found.pk}


def trusted_issuer(t: Targets) -> dict[str, Any]:
    """A pasted (never fetched) trusted issuer of the organisation that owns ``t.staff``, which is
    the other organisation's in the cross-tenant sweep."""
    owner = t.staff.organisation
    found, _ = TrustedIssuer.objects.get_or_create(
        organisation=owner, name="Matrix issuer", defaults={"jwks": {"keys": []}}
    )
    return {"org_slug": t.org.slug, "pk": found.pk}


def signing_key(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": active_key(t.staff.organisation, actor=None).pk}


def passport(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.passport.pk}


def passport_page(allowed: tuple[str, ...], **kw: Any) -> Spec:
    """Anyone but the owner and the manager shared with gets 404: a passport's existence is
    private too. The outsider owns the other organisation's passport, so opens it there."""
    kw.setdefault("foreign_outsider", 200)
    return page(allowed, kwargs=kw.pop("kwargs", passport), cross=True, role_first=False, **kw) | {
        p: 404 for p in MEMBERS if p not in allowed
    }


def passport_action(
    allowed: tuple[str, ...],
    kwargs: Callable[[Targets], dict[str, Any]] = passport,
    data: dict[str, Any] | None = None,
) -> Spec:
    return replace(action(allowed, kwargs, data), role_first=False, foreign_outsider=302) | {
        p: 404 for p in MEMBERS if p not in allowed
    }


def _commitment_version(t: Targets, status: VersionStatus) -> dict[str, Any]:
    """Version 1 of the leadership commitment of the organisation that owns ``t.staff`` (the
    other organisation's in the cross-tenant sweep), made directly in ``status``: signing
    needs a sponsor, and the other organisation has none."""
    commitment, _ = LeadershipCommitment.objects.get_or_create(organisation=t.staff.organisation)
    now = timezone.now()
    signature: dict[str, Any] = (
        {}
        if status in (VersionStatus.DRAFT, VersionStatus.READY)
        else {
            "signed_by_name": "Matrix Sponsor",
            "signed_by_role": "Chief Executive",
            "signed_on": timezone.localdate(),
            "signed_at": now,
        }
    )
    if status == VersionStatus.PUBLISHED:
        signature["published_at"] = now
    CommitmentVersion.objects.get_or_create(
        commitment=commitment,
        number=1,
        defaults={"text": "We support carers.", "status": status, **signature},
    )
    return {"org_slug": t.org.slug, "number": 1}


def commitment_draft(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.DRAFT)


def commitment_ready(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.READY)


def commitment_signed(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.SIGNED)


def commitment_published(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.PUBLISHED)


def partnership_commitment(t: Targets) -> dict[str, Any]:
    """The partnership page's copy of the published commitment of ``t.org``."""
    commitment_published(t)
    return {"slug": t.partnership.slug, "org_slug": t.org.slug}


def published_commitment_api(t: Targets) -> dict[str, Any]:
    commitment_published(t)
    return {}


def commitment_api(
    make: Callable[[Targets], dict[str, Any]],
) -> Callable[[Targets], dict[str, Any]]:
    """The same version for an API route, whose path has no organisation."""
    return lambda t: {"number": make(t)["number"]}


def _org_plan(t: Targets) -> OrgPlan:
    """A strategy plan of the organisation that owns ``t.staff``, with one priority and one
    action owned by that person's line manager (the outsider themselves in the other
    organisation, where nobody manages them). Made directly: the services need HR."""
    owner = t.staff.line_manager or t.staff
    plan, created = OrgPlan.objects.get_or_create(
        organisation=t.staff.organisation,
        title="Matrix plan",
        defaults={
            "period_start": date(2026, 4, 1),
            "period_end": date(2027, 3, 31),
            "periods": ["2026/27"],
        },
    )
    if created:
        priority = Priority.objects.create(plan=plan, number="1", title="Matrix priority")
        ActionPoint.objects.create(
            plan=plan, priority=priority, number="1.1", planned_action="Act", owner=owner.user
        )
    return plan


def org_plan(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _org_plan(t).pk}


def org_plan_priority(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"org_slug": t.org.slug, "pk": plan.pk, "priority_pk": plan.priorities.get().pk}


def org_plan_action(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"org_slug": t.org.slug, "pk": plan.pk, "action_pk": plan.actions.get().pk}


def api_org_plan(t: Targets) -> dict[str, Any]:
    return {"plan_id": _org_plan(t).pk}


def api_org_plan_action(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"plan_id": plan.pk, "action_id": plan.actions.get().pk}


def api_org_plan_priority(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"plan_id": plan.pk, "priority_id": plan.priorities.get().pk}


def api_empty_priority(t: Targets) -> dict[str, Any]:
    """A priority with no actions, which may be deleted."""
    plan = _org_plan(t)
    empty, _ = Priority.objects.get_or_create(plan=plan, number="2", title="Empty")
    return {"plan_id": plan.pk, "priority_id": empty.pk}


def _personal_plan(t: Targets) -> PersonalPlan:
    """The personal plan of ``t.staff``'s person (the carer, or the outsider in the other
    organisation), shared with their line manager when they have one."""
    plan, created = PersonalPlan.objects.get_or_create(
        organisation=t.staff.organisation, owner=t.staff.user, defaults={"title": "Matrix plan"}
    )
    manager = t.staff.line_manager
    if created and manager is not None and manager.user is not None:
        PersonalPlanShare.objects.create(plan=plan, with_user=manager.user)
    return plan


def personal_plan(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _personal_plan(t).pk}


def personal_plan_share(t: Targets) -> dict[str, Any]:
    plan = _personal_plan(t)
    share = plan.shares.first() or PersonalPlanShare.objects.create(plan=plan, with_user=plan.owner)
    return {"org_slug": t.org.slug, "pk": plan.pk, "share_pk": share.pk}


def personal_plan_page(*, shared: int, **kw: Any) -> Spec:
    """Only the owner (the carer) and the colleague they shared with (the manager) learn that
    a personal plan exists; anyone else, HR and admins included, gets 404. The colleague
    only reads: ``shared`` is what they get here."""
    return passport_page(("carer", "manager"), kwargs=kw.pop("kwargs", personal_plan), **kw) | {
        "manager": shared
    }


def _assessment(t: Targets, *, signed: bool = False) -> Assessment:
    """A Carer Positive self-assessment of the organisation that owns ``t.staff``, with one
    uploaded document, made by its HR admin through the services; signed off when asked."""
    organisation = t.staff.organisation
    wanted = AssessmentStatus.SIGNED_OFF if signed else AssessmentStatus.DRAFT
    found = Assessment.objects.filter(organisation=organisation, status=wanted).first()
    if found is not None:
        return found
    admin = (
        Membership.objects.with_power()
        .filter(organisation=organisation, role=Role.HR_ADMIN)
        .first()
    )
    assert admin is not None
    draft = Assessment.objects.filter(
        organisation=organisation, status=AssessmentStatus.DRAFT
    ).first() or assessment_start(
        organisation=organisation, framework_slug="carer-positive", by=admin.user
    )
    if not draft.files.exists():
        evidence_upload(
            assessment=draft,
            criterion_key="policy",
            upload=SimpleUploadedFile("Policy.txt", b"Our carers policy"),
            by=admin.user,
        )
    if signed:
        return assessment_sign_off(assessment=draft, by=admin.user, today=timezone.localdate())
    return draft


def assessment(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t).pk}


def signed_assessment(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t, signed=True).pk}


def assessment_criterion(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _assessment(t).pk, "key": "policy"}


def evidence_file(t: Targets) -> dict[str, Any]:
    found = _assessment(t)
    return {"org_slug": t.org.slug, "pk": found.pk, "file_pk": found.files.get().pk}


def api_assessment(t: Targets) -> dict[str, Any]:
    return {"assessment_id": _assessment(t).pk}


def page(allowed: tuple[str, ...], **kw: Any) -> Spec:
    return Spec("GET", expect(allowed, 200), kw.pop("kwargs", org), tenant=True, **kw)


def action(
    allowed: tuple[str, ...],
    kwargs: Callable[[Targets], dict[str, Any]],
    data: dict[str, Any] | None = None,
) -> Spec:
    return Spec("POST", expect(allowed, 302), kwargs, data=data, tenant=True, cross=True)


def api(
    method: str,
    allowed: tuple[str, ...],
    ok: int,
    *,
    kwargs: Callable[[Targets], dict[str, Any]] = lambda t: {},
    data: dict[str, Any] | None = None,
    cross: bool = False,
) -> Spec:
    # Anonymous callers and partnership leads have no token for the organisation: 401. An
    # organisation token stops working the moment its owner is marked as left: 401 too.
    expected = expect(allowed, ok, anon=401)
    expected["lead"] = 401
    expected["leaver"] = 401
    # The outsider's token is for their own organisation: lists show theirs; our ids are 404.
    expected["outsider"] = 404 if cross else expected["org_admin"]
    return Spec(method, expected, kwargs, data=data, api=True, cross=cross)


def api_leave(t: Targets) -> dict[str, Any]:
    return {"request_id": t.leave.pk}


def _working_day(day: date) -> date:
    """``day`` or the next weekday that is no nation's bank holiday (carer's leave needs one)."""
    while any(
        statutory.carers_leave_day_problem(day=day, working_days="12345", nation=nation)
        for nation in Nation
    ):
        day += timedelta(days=1)
    return day


_START = _working_day(timezone.localdate() + timedelta(days=60))
_LEAVE_START = _working_day(timezone.localdate() + timedelta(days=30))
LEAVE_DAYS = {"days": [{"day": _START.isoformat(), "part": "am"}]}
POSTPONE = {
    "new_first_day": _working_day(_LEAVE_START + timedelta(days=5)).isoformat(),
    "reason": "Busy",
}


def api_flexible(t: Targets) -> dict[str, Any]:
    return {"request_id": t.flexible.pk}


FLEXIBLE = {"change_requested": "Later starts", "start_from": _START.isoformat()}
CONSULT = {"held_on": timezone.localdate().isoformat(), "notes": "Talked it through"}

NEW_STAFF = {"staff_number": "NEW1", "first_name": "New", "last_name": "Starter"}
NEW_PLAN = {"title": "Plan", "period_start": "2026-04-01", "period_end": "2027-03-31"}
PROGRESS = {"period": "2026/27", "rag": "green", "text": "On track"}

MATRIX: dict[str, Spec] = {
    # Public pages.
    "home": Spec("GET", {**dict.fromkeys(EVERYONE, 302), ANON: 200}),
    "healthz": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "accessibility": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "privacy": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "switch_organisation": Spec(
        # Someone who has left may still switch to the organisation to reach their own records.
        "POST",
        {**expect(MEMBERS, 302), "leaver": 302},
        data={"organisation": "home-org"},
    ),
    "organisations:invitation_accept": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-token"}
    ),
    "accounts:settings": Spec("GET", {**dict.fromkeys(EVERYONE, 200), ANON: 302}),
    "organisations:partnership_home": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": 200},
        lambda t: {"slug": t.partnership.slug},
    ),
    # Organisation pages.
    "organisations:home": page(MEMBERS) | {"leaver": 200},
    "organisations:my_record": page(MEMBERS) | {"leaver": 200},
    "organisations:my_team": page(MEMBERS),
    "organisations:staff_list": page(HR),
    "organisations:staff_create": page(HR),
    "organisations:staff_detail": page(HR, kwargs=staff, cross=True),
    "organisations:staff_edit": page(HR, kwargs=staff, cross=True),
    "organisations:staff_mark_left": page(HR, kwargs=staff, cross=True),
    "organisations:import_upload": page(HR),
    "organisations:import_preview": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "organisations:import_confirm": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}
    ),
    "organisations:import_discard": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}
    ),
    "organisations:import_status": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "organisations:unit_list": page(HR),
    "organisations:invite": page(HR),
    "organisations:invitation_revoke": action(
        HR, lambda t: {"org_slug": t.org.slug, "pk": t.invitation.pk}
    ),
    "organisations:members": page(ORG_ADMIN),
    "organisations:member_remove": action(
        ORG_ADMIN, lambda t: {"org_slug": t.org.slug, "pk": t.membership.pk}
    ),
    "organisations:audit_log": page(ORG_ADMIN),
    "api:token_list": page(HR),
    "api:token_revoke": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
    # Carer's leave: the employee, their line manager and HR see a request; only the manager decides.
    "leave:home": page(MEMBERS) | {"leaver": 200},
    "leave:team": page(MEMBERS),
    "leave:team_calendar": page(MEMBERS),
    "leave:deputies": page(("carer", "manager"), foreign_outsider=200),
    # Only the manager who named a deputy ends the appointment early.
    "leave:deputy_end": replace(
        action(("manager",), deputy_appointment), role_first=False, foreign_outsider=302
    ),
    "leave:calendar_feed": page(("carer", "manager"), foreign_outsider=200),
    # The feed needs no sign-in; an unknown secret is simply not found.
    "leave:calendar_feed_ics": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-secret"}
    ),
    "leave:carers_leave_new": page(("carer", "manager"), foreign_outsider=200),
    "leave:dependants_time_off_new": page(("carer", "manager"), foreign_outsider=200),
    "leave:policy": page(HR),
    # HR's lists of every request in the organisation.
    "leave:carers_leave_all": page(HR),
    "flexible:all": page(HR),
    "leave:carers_leave_detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=leave, cross=True, role_first=False
    ),
    "leave:carers_leave_accept": replace(
        action(("manager",), leave), role_first=False, foreign_outsider=403
    ),
    "leave:carers_leave_postpone": page(
        ("manager",), kwargs=leave, cross=True, role_first=False, foreign_outsider=403
    ),
    "leave:carers_leave_cancel": replace(
        action(("carer",), leave), role_first=False, foreign_outsider=302
    ),
    # Flexible working: the employee, their manager (who decides) and HR see a request.
    "flexible:home": page(MEMBERS) | {"leaver": 200},
    "flexible:new": page(("carer", "manager"), foreign_outsider=200),
    "flexible:detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=flexible, cross=True, role_first=False
    ),
    "flexible:consult": replace(
        action(
            ("manager",), flexible, {"held_on": timezone.localdate().isoformat(), "notes": "Talked"}
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible:decide": replace(
        action(("manager",), flexible, {"outcome": "approved"}),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible:extend": replace(
        action(
            ("manager",),
            flexible,
            {"extended_to": (timezone.localdate() + timedelta(days=120)).isoformat()},
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    # Only a refused request can be appealed; this one is still open, so nobody may.
    "flexible:appeal": replace(
        action((), flexible, {"reason": "Please reconsider"}),
        role_first=False,
        foreign_outsider=403,
    ),
    # The letter exists once there is a decision; this request has none yet, so viewers get 404.
    "flexible:letter": page((), kwargs=flexible, cross=True, role_first=False, foreign_outsider=404)
    | dict.fromkeys(("carer", "manager", "hr_admin", "org_admin"), 404),
    "flexible:withdraw": replace(
        action(("carer",), flexible), role_first=False, foreign_outsider=302
    ),
    # Carers and passports: only the carer and the line manager they shared with (rules 1-3).
    "passports:carer_home": page(("carer", "manager"), foreign_outsider=200) | {"leaver": 200},
    "passports:carer_declare": page(("carer", "manager"), foreign_outsider=200),
    "passports:carer_export_json": page(("carer", "manager"), foreign_outsider=200)
    | {"leaver": 200},
    "passports:carer_export_pdf": page(("carer", "manager"), foreign_outsider=200)
    | {"leaver": 200},
    "passports:carer_delete": page(("carer",), foreign_outsider=200)
    | {"manager": 302, "leaver": 302},
    "passports:mine": page((), foreign_outsider=302)
    | {"carer": 302, "manager": 302, "leaver": 302},
    "passports:share": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    "passports:unshare": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    "passports:seen_by": page(("carer",), foreign_outsider=200) | {"manager": 302, "leaver": 302},
    "passports:team": page(MEMBERS),
    # Bringing a passport from another employer needs your own staff record here.
    "passports:import": page(("carer", "manager"), foreign_outsider=200),
    # An empty credential fails verification: the carer is told and sent back to step 1.
    "passports:import_confirm": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    # Only the carer takes a signed copy; the manager is refused before the version is looked up.
    "passports:credential": replace(
        passport_action(
            (),
            kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        ),
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403, "leaver": 404},
    # Personal API tokens: everyone's own, and nobody else's (an HR token is not one).
    "api:personal_tokens": page(MEMBERS, foreign_outsider=200),
    "api:personal_token_revoke": replace(
        action((), lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
        role_first=False,
        foreign_outsider=404,
    )
    | dict.fromkeys(MEMBERS, 404),
    # Pages about one's own passport stay open to someone who has left; this one is not theirs.
    "passports:detail": passport_page(("carer", "manager")) | {"leaver": 404},
    "passports:edit_about": passport_page(("carer",)) | {"manager": 403},
    "passports:adjustment_new": passport_page(("carer", "manager")),
    "passports:adjustment_edit": passport_page(
        ("carer", "manager"),
        kwargs=lambda t: {
            "org_slug": t.org.slug,
            "pk": t.passport.pk,
            "adjustment_pk": t.adjustment.pk,
        },
    ),
    "passports:review": passport_page(("carer", "manager")),
    "passports:conversation_new": passport_page(("carer", "manager")),
    "passports:sign": passport_action(("carer", "manager"), data={"version": "1"}),
    # Nothing is agreed yet, so there is no version 1 to show anyone.
    "passports:version": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    )
    | {"leaver": 404},
    # Only the carer downloads the PDF; the manager is refused before the version is looked up.
    "passports:version_pdf": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403, "leaver": 404},
    # Carer's leave through the API: own balance and requests for anyone with a staff record.
    "api-v1:carers_leave_balance": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:list_carers_leave": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:create_carers_leave": api("POST", ("carer", "manager"), 201, data=LEAVE_DAYS)
    | {"outsider": 201},
    # Looked up before the role is checked, so another organisation's id is always 404.
    "api-v1:get_carers_leave": replace(
        api(
            "GET", ("carer", "manager", "hr_admin", "org_admin"), 200, kwargs=api_leave, cross=True
        ),
        role_first=False,
    ),
    "api-v1:accept_carers_leave": replace(
        api("POST", ("manager",), 200, kwargs=api_leave, cross=True), role_first=False
    ),
    "api-v1:postpone_carers_leave": replace(
        api("POST", ("manager",), 200, kwargs=api_leave, data=POSTPONE, cross=True),
        role_first=False,
    ),
    # Flexible working through the API.
    "api-v1:list_flexible": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:create_flexible": api("POST", ("carer", "manager"), 201, data=FLEXIBLE)
    # The carer already has a request waiting (the target): one is considered at a time.
    | {"carer": 422, "outsider": 201},
    "api-v1:get_flexible": replace(
        api(
            "GET",
            ("carer", "manager", "hr_admin", "org_admin"),
            200,
            kwargs=api_flexible,
            cross=True,
        ),
        role_first=False,
    ),
    "api-v1:consult_flexible": replace(
        api("POST", ("manager",), 200, kwargs=api_flexible, data=CONSULT, cross=True),
        role_first=False,
    ),
    "api-v1:decide_flexible": replace(
        api(
            "POST", ("manager",), 200, kwargs=api_flexible, data={"outcome": "approved"}, cross=True
        ),
        role_first=False,
    ),
    # The request is still waiting: only the employee withdraws it, and nobody can appeal yet.
    "api-v1:withdraw_flexible": replace(
        api("POST", ("carer",), 200, kwargs=api_flexible, cross=True),
        role_first=False,
        foreign_outsider=200,
    ),
    "api-v1:appeal_flexible": replace(
        api("POST", (), 200, kwargs=api_flexible, data={"reason": "Please"}, cross=True),
        role_first=False,
        foreign_outsider=422,
    )
    | {"carer": 422},
    "api-v1:extend_flexible": replace(
        api(
            "POST",
            ("manager",),
            200,
            kwargs=api_flexible,
            data={"extended_to": (timezone.localdate() + timedelta(days=120)).isoformat()},
            cross=True,
        ),
        role_first=False,
    ),
    "api-v1:cancel_carers_leave": replace(
        api("POST", ("carer",), 200, kwargs=api_leave, cross=True),
        role_first=False,
        foreign_outsider=200,
    ),
    # Time off for dependants: recorded by people with a staff record here; the policy is for all.
    "api-v1:list_dependants_time_off": api("GET", ("carer", "manager"), 200) | {"outsider": 200},
    "api-v1:record_dependants_time_off": api(
        "POST",
        ("carer", "manager"),
        201,
        data={"first_day": timezone.localdate().isoformat(), "days": "1"},
    )
    | {"outsider": 201},
    "api-v1:get_leave_policy": api("GET", MEMBERS, 200),
    # A passport is never read with an organisation's token, whatever its owner's roles:
    # every persona's token here is an organisation token (personal ones: passports/tests).
    "api-v1:my_passport": api("GET", (), 403),
    "api-v1:my_agreed_version": api("GET", (), 403, kwargs=lambda t: {"number": 1}),
    "api-v1:my_credential": api("POST", (), 403, kwargs=lambda t: {"number": 1}),
    # Leadership commitment: every member reads the published one; HR writes and publishes;
    # only the executive sponsor signs, and the sponsor also sees drafts and history.
    "commitments:home": page(MEMBERS),
    "commitments:adopt": page(HR),
    # No commitment yet: HR is sent on to adopt the template.
    "commitments:new_draft": replace(action(HR, org), cross=False),
    "commitments:history": page((*HR, "sponsor")),
    "commitments:version": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:print": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:pdf": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:edit": page(HR, kwargs=commitment_draft, cross=True),
    # In the other organisation nobody holds the sponsor role: told so, and sent back (302).
    "commitments:ready": action(HR, commitment_draft, {"revision": "1"}),
    "commitments:sign": page(
        ("sponsor",), kwargs=commitment_ready, cross=True, foreign_outsider=403
    ),
    "commitments:publish": action(HR, commitment_signed),
    "commitments:withdraw": page(HR, kwargs=commitment_signed, cross=True),
    # The partnership's signed commitments: its leads and members of any member organisation
    # (the outsider's organisation is in the same partnership; strangers: commitments/tests).
    # Someone who has left belongs to no member organisation any more: 404.
    "commitments:partnership_list": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 200), ANON: 302, "leaver": 404},
        lambda t: {"slug": t.partnership.slug},
    ),
    "commitments:partnership_member": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 200), ANON: 302, "leaver": 404},
        partnership_commitment,
    ),
    # The outsider's token is for their own organisation, which has published nothing.
    "api-v1:get_published_commitment": api("GET", MEMBERS, 200, kwargs=published_commitment_api)
    | {"outsider": 404},
    "api-v1:list_commitment_versions": api("GET", (*HR, "sponsor"), 200),
    "api-v1:get_commitment_version": api(
        "GET", (*HR, "sponsor"), 200, kwargs=commitment_api(commitment_draft), cross=True
    ),
    "api-v1:create_commitment_draft": api("POST", HR, 201, data={}),
    "api-v1:update_commitment_draft": api(
        "PATCH",
        HR,
        200,
        kwargs=commitment_api(commitment_draft),
        data={"text": "Changed"},
        cross=True,
    ),
    # Action plans. Personal plans: the owner, and read-only the colleague they shared with.
    "plans:home": page(MEMBERS),
    "plans:calendar": page(MEMBERS),
    # The feed needs no sign-in; an unknown secret is simply not found.
    "plans:calendar_ics": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-secret"}
    ),
    "plans:personal_plan_new": page(MEMBERS),
    "plans:personal_plan_detail": personal_plan_page(shared=200),
    "plans:personal_plan_edit": personal_plan_page(shared=403),
    "plans:personal_plan_share": personal_plan_page(shared=403),
    "plans:personal_plan_delete": personal_plan_page(shared=403),
    "plans:personal_plan_pdf": personal_plan_page(shared=403),
    "plans:personal_plan_csv": personal_plan_page(shared=403),
    "plans:personal_plan_unshare": passport_action(("carer",), kwargs=personal_plan_share)
    | {"manager": 403},
    # Organisation plans: HR and admins write; sponsors and champions read; the owner of an
    # action (the manager) reads the plan and reports progress on it; other employees 403.
    # The list is every member's: an employee sees only the plans with an action of theirs.
    "plans:org_plan_list": page(MEMBERS),
    "plans:org_plan_new": page(HR),
    "plans:org_plan_detail": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:action_detail": page(PLAN_VIEWERS, kwargs=org_plan_action, cross=True, role_first=False),
    "plans:org_plan_csv": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:org_plan_xlsx": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:org_plan_pdf": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:progress_new": page(
        (*HR, "manager"), kwargs=org_plan_action, cross=True, role_first=False
    ),
    "plans:org_plan_edit": page(HR, kwargs=org_plan, cross=True),
    "plans:priority_new": page(HR, kwargs=org_plan, cross=True),
    "plans:priority_edit": page(HR, kwargs=org_plan_priority, cross=True),
    "plans:action_new": page(HR, kwargs=org_plan, cross=True),
    "plans:action_edit": page(HR, kwargs=org_plan_action, cross=True),
    "api-v1:list_org_plans": api("GET", MEMBERS, 200),
    "api-v1:create_org_plan": api("POST", HR, 201, data=NEW_PLAN),
    "api-v1:get_org_plan": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan, cross=True), role_first=False
    ),
    "api-v1:update_org_plan": api(
        "PATCH", HR, 200, kwargs=api_org_plan, data={"title": "Changed"}, cross=True
    ),
    "api-v1:delete_org_plan": api("DELETE", HR, 204, kwargs=api_org_plan, cross=True),
    "api-v1:create_priority": api(
        "POST", HR, 201, kwargs=api_org_plan, data={"title": "New"}, cross=True
    ),
    "api-v1:update_priority": api(
        "PATCH", HR, 200, kwargs=api_org_plan_priority, data={"title": "Changed"}, cross=True
    ),
    "api-v1:delete_priority": api("DELETE", HR, 204, kwargs=api_empty_priority, cross=True),
    "api-v1:list_actions": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan, cross=True), role_first=False
    ),
    # The body names a priority that exists nowhere: HR gets as far as looking it up (404).
    "api-v1:create_action": api(
        "POST",
        HR,
        404,
        kwargs=api_org_plan,
        data={"priority_id": 0, "planned_action": "Act"},
        cross=True,
    ),
    "api-v1:get_action": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan_action, cross=True), role_first=False
    ),
    "api-v1:update_action": api(
        "PATCH", HR, 200, kwargs=api_org_plan_action, data={"risks": "Changed"}, cross=True
    ),
    "api-v1:delete_action": api("DELETE", HR, 204, kwargs=api_org_plan_action, cross=True),
    "api-v1:list_progress": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan_action, cross=True), role_first=False
    ),
    "api-v1:add_progress": replace(
        api("POST", (*HR, "manager"), 201, kwargs=api_org_plan_action, data=PROGRESS, cross=True),
        role_first=False,
    ),
    # Personal plans never with an organisation token, whatever its owner's roles (every
    # persona's token here is one; personal tokens: plans/tests/test_api.py).
    "api-v1:list_personal_plans": api("GET", (), 403),
    "api-v1:create_personal_plan": api("POST", (), 403, data={"title": "Mine"}),
    "api-v1:get_personal_plan": api("GET", (), 403, kwargs=lambda t: {"plan_id": 1}),
    "api-v1:replace_personal_plan": api(
        "PUT", (), 403, kwargs=lambda t: {"plan_id": 1}, data={"title": "Mine"}
    ),
    "api-v1:delete_personal_plan": api("DELETE", (), 403, kwargs=lambda t: {"plan_id": 1}),
    # API: the token decides the organisation.
    # Credentials: public keys and issuer profiles are for anyone, signed in or not.
    "credentials:jwks": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "credentials:issuer_profile": Spec(
        "GET", dict.fromkeys(EVERYONE, 200), lambda t: {"public_id": issuer_for(t.org).public_id}
    ),
    # Whom to trust is an HR decision; the organisation's own signing keys are its admins'.
    "credentials:trusted_issuer_list": page(HR),
    "credentials:trusted_issuer_add": page(HR),
    "credentials:trusted_issuer_refresh": action(HR, trusted_issuer),
    "credentials:trusted_issuer_remove": page(HR, kwargs=trusted_issuer, cross=True),
    "credentials:signing_keys": page(ORG_ADMIN),
    "credentials:signing_key_rotate": page(ORG_ADMIN),
    "credentials:signing_key_revoke": page(ORG_ADMIN, kwargs=signing_key, cross=True),
    # A failed verification is an answer (200, valid false), not an error.
    "api-v1:credentials_verify": api("POST", HR, 200, data={"credential": "a.b.c"}),
    "api-v1:openapi-json": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "api-v1:api-root": Spec("GET", dict.fromkeys(EVERYONE, 404)),
    "api-v1:get_organisation": api("GET", MEMBERS, 200),
    "api-v1:list_units": api("GET", HR, 200),
    "api-v1:create_unit": api("POST", HR, 201, data={"code": "NEWUNIT", "name": "New unit"}),
    "api-v1:list_staff": api("GET", HR, 200),
    "api-v1:create_staff": api("POST", HR, 201, data=NEW_STAFF),
    "api-v1:get_staff": api("GET", HR, 200, kwargs=lambda t: {"staff_id": t.staff.pk}, cross=True),
    "api-v1:update_staff": api(
        "PATCH",
        HR,
        200,
        kwargs=lambda t: {"staff_id": t.staff.pk},
        data={"first_name": "Changed"},
        cross=True,
    ),
    "api-v1:mark_staff_left": api(
        "POST", HR, 200, kwargs=lambda t: {"staff_id": t.staff.pk}, data={}, cross=True
    ),
    "api-v1:list_memberships": api("GET", HR, 200),
    # The outsider's own organisation has no carer@example.org to give a role to: 422.
    "api-v1:grant_membership": api(
        "POST", ORG_ADMIN, 201, data={"email": "carer@example.org", "role": "champion"}
    )
    | {"outsider": 422},
    "api-v1:revoke_membership": api(
        "DELETE", ORG_ADMIN, 204, kwargs=lambda t: {"membership_id": t.membership.pk}, cross=True
    ),
    # Benchmarks: HR and organisation admins run self-assessments; the executive sponsor and
    # the carer champion read them (overview, comparison, evidence pack, documents).
    "benchmarks:home": page(BENCHMARK_READERS),
    "benchmarks:framework_detail": page(
        BENCHMARK_READERS, kwargs=lambda t: {"org_slug": t.org.slug, "slug": "carer-positive"}
    ),
    "benchmarks:assessment_start": page(HR),
    "benchmarks:assessment_detail": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:criterion_detail": page(BENCHMARK_READERS, kwargs=assessment_criterion, cross=True),
    # No file sent: the page is shown again with the error.
    "benchmarks:evidence_upload": action(HR, assessment_criterion) | dict.fromkeys(HR, 200),
    "benchmarks:evidence_download": page(BENCHMARK_READERS, kwargs=evidence_file, cross=True),
    "benchmarks:evidence_remove": page(HR, kwargs=evidence_file, cross=True),
    "benchmarks:assessment_sign_off": page(HR, kwargs=assessment, cross=True),
    "benchmarks:assessment_new_version": action(HR, signed_assessment),
    "benchmarks:assessment_compare": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:assessment_plan": page(HR, kwargs=assessment, cross=True),
    "benchmarks:assessment_pack": page(BENCHMARK_READERS, kwargs=assessment, cross=True),
    "benchmarks:assessment_delete": page(HR, kwargs=assessment, cross=True),
    "api-v1:list_frameworks": api("GET", BENCHMARK_READERS, 200),
    "api-v1:get_framework_detail": api(
        "GET", BENCHMARK_READERS, 200, kwargs=lambda t: {"slug": "carer-positive"}
    ),
    "api-v1:list_assessments": api("GET", BENCHMARK_READERS, 200),
    "api-v1:create_assessment": api("POST", HR, 201, data={"framework": "carer-confident"}),
    "api-v1:get_assessment": api("GET", BENCHMARK_READERS, 200, kwargs=api_assessment, cross=True),
    "api-v1:update_assessment_criterion": api(
        "PATCH",
        HR,
        200,
        kwargs=lambda t: {**api_assessment(t), "criterion_key": "policy"},
        data={"narrative": "Our policy names carers."},
        cross=True,
    ),
    "api-v1:sign_off_assessment": api("POST", HR, 200, kwargs=api_assessment, data={}, cross=True),
    "api-v1:delete_assessment": api("DELETE", HR, 204, kwargs=api_assessment, cross=True),
}

# allauth's own pages: entry pages are open to all; account pages need a signed-in user.
ALLAUTH_ENTRY = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "mfa_authenticate",
    "account_logout",
}
ALLAUTH_ACCOUNT = {
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}
ALLAUTH_WITH_ARGS = {"account_confirm_email", "account_reset_password_from_key"}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns or "")
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def all_url_names() -> set[str]:
    return {
        name for route, name in _walk(get_resolver().url_patterns) if not route.startswith("admin/")
    }


def test_every_url_is_classified():
    known = set(MATRIX) | ALLAUTH_ENTRY | ALLAUTH_ACCOUNT | ALLAUTH_WITH_ARGS
    unclassified = all_url_names() - known
    assert not unclassified, f"Add these URLs to the permission matrix: {sorted(unclassified)}"
    stale = set(MATRIX) - all_url_names()
    assert not stale, f"The matrix lists URLs that no longer exist: {sorted(stale)}"


def _targets(world: World, organisation: Organisation, settings: Any, tmp_path: Any) -> Targets:
    settings.MEDIA_ROOT = str(tmp_path)
    owner = world.hr_admin if organisation == world.org else world.outsider
    record = world.carer_record if organisation == world.org else world.outsider_record
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nZ9,Zed,Zero\n")
    job, _plan = staff_import_stage(
        organisation=organisation, upload=upload, mark_missing_as_left=False, by=owner
    )
    token, _secret = api_token_create(
        user=owner, organisation=organisation, name="Matrix", channel=Channel.WEB
    )
    someone = world.champion if organisation == world.org else world.outsider
    membership = Membership.objects.get(
        user=someone,
        organisation=organisation,
        role=Role.CHAMPION if organisation == world.org else Role.HR_ADMIN,
    )
    carer = record.user
    assert carer is not None
    start = _LEAVE_START
    leave = carers_leave_request(
        staff=record, days=[(start, "full")], note="", by=carer, today=timezone.localdate()
    )
    invitation = invitation_send(
        organisation=organisation,
        email="someone@example.org",
        role=Role.EMPLOYEE,
        staff_record=None,
        by=owner,
    )
    flexible = flexible_request_submit(
        staff=record,
        change_requested="Later starts",
        start_from=start,
        by=carer,
        today=timezone.localdate(),
    )
    carer_declare(staff=record, share_with_manager=True, by=carer)
    passport = Passport.objects.get(staff=record)
    adjustment = adjustment_add(
        passport=passport,
        expected_version=None,
        kind="home_working",
        details="",
        review_on=None,
        by=carer,
    )
    return Targets(
        org=organisation,
        staff=record,
        staff_import=job,
        token_id=token.pk,
        membership=membership,
        leave=leave,
        invitation=invitation,
        flexible=flexible,
        passport=passport,
        adjustment=adjustment,
    )


#: Public on purpose, for verifiers anywhere: the only responses a cache may keep.
PUBLIC_RESPONSES = frozenset({"credentials:jwks", "credentials:issuer_profile"})


def _request(client: Client, spec: Spec, path: str, token: str | None) -> int:
    """The status of one request; every response but a public one must forbid caching,
    whoever asked and whatever the answer (trust rule 11)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if spec.method == "GET":
        response = client.get(path, headers=headers)
    elif spec.api:
        body = json.dumps(spec.data or {})
        response = client.generic(
            spec.method, path, body, content_type="application/json", headers=headers
        )
    else:
        response = client.post(path, spec.data or {}, headers=headers)
    name = resolve(path).view_name
    if name in PUBLIC_RESPONSES:
        assert "public" in response["Cache-Control"], path
    else:
        assert "no-store" in response.get("Cache-Control", ""), (
            f"{spec.method} {path} answered {response.status_code} without no-store"
        )
    return response.status_code


def _client_and_token(world: World, persona: str, spec: Spec) -> tuple[Client, str | None]:
    client = Client()
    user = world.persona(persona)
    if user is None:
        return client, None
    if spec.api:
        membership = Membership.objects.filter(user=user).select_related("organisation").first()
        if membership is None:
            return client, None
        _token, secret = api_token_create(
            user=user, organisation=membership.organisation, name="t", channel=Channel.WEB
        )
        return client, secret
    client.force_login(user)
    return client, None


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_own_organisation(world, settings, tmp_path, name, persona):
    spec = MATRIX[name]
    targets = _targets(world, world.org, settings, tmp_path)
    client, token = _client_and_token(world, persona, spec)
    path = reverse(name, kwargs=spec.kwargs(targets))
    assert _request(client, spec, path, token) == spec.expected[persona], (
        f"{spec.method} {path} as {persona}"
    )


FOREIGN_CASES = [
    (name, persona) for name, spec in MATRIX.items() if spec.tenant for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "persona"), FOREIGN_CASES)
def test_other_organisation_is_not_found(world, settings, tmp_path, name, persona):
    """The same pages for the other organisation: strangers get 404; its own admin gets in."""
    spec = MATRIX[name]
    targets = _targets(world, world.other_org, settings, tmp_path)
    client, token = _client_and_token(world, persona, spec)
    path = reverse(name, kwargs=spec.kwargs(targets))
    outsider = (
        spec.foreign_outsider if spec.foreign_outsider is not None else spec.expected["org_admin"]
    )
    wanted = {ANON: 302, "outsider": outsider}.get(persona, 404)
    assert _request(client, spec, path, token) == wanted, f"{spec.method} {path} as {persona}"


CROSS_CASES = [
    (name, persona) for name, spec in MATRIX.items() if spec.cross for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "persona"), CROSS_CASES)
def test_other_organisations_object_through_own_organisation_is_not_found(
    world, settings, tmp_path, name, persona
):
    """An id from the other organisation never resolves, even for an HR admin of this one."""
    spec = MATRIX[name]
    own = _targets(world, world.org, settings, tmp_path)
    foreign = _targets(world, world.other_org, settings, tmp_path)
    mixed = Targets(
        org=own.org,
        staff=foreign.staff,
        staff_import=foreign.staff_import,
        token_id=foreign.token_id,
        membership=foreign.membership,
        leave=foreign.leave,
        invitation=foreign.invitation,
        flexible=foreign.flexible,
        passport=foreign.passport,
        adjustment=foreign.adjustment,
    )
    client, token = _client_and_token(world, persona, spec)
    path = reverse(name, kwargs=spec.kwargs(mixed))
    if spec.api:
        expected = spec.expected[persona]
        wanted = expected if expected == 401 or (expected == 403 and spec.role_first) else 404
        if persona == "outsider":
            # It is their own organisation's record (and, for leave and flexible working, their own).
            wanted = (
                spec.foreign_outsider
                if spec.foreign_outsider is not None
                else spec.expected["org_admin"]
            )
    elif persona == ANON:
        wanted = 302
    elif spec.role_first and persona in MEMBERS and spec.expected[persona] == 403:
        wanted = 403
    elif persona == "leaver" and spec.expected[persona] == 403 and name not in OWN_RECORDS:
        # Refused in the organisation before any object is looked up.
        wanted = 403
    else:
        wanted = 404
    assert _request(client, spec, path, token) == wanted, f"{spec.method} {path} as {persona}"


@pytest.mark.parametrize("name", sorted(ALLAUTH_ACCOUNT))
def test_account_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(ALLAUTH_ENTRY - {"account_logout"}))
def test_entry_pages_are_open(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code in (200, 302)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_closed_to_every_persona(world, persona):
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
