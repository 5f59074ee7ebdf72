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
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_send
from api.services import api_token_create
from audit.models import Channel
from carershub.tests.personas import PERSONAS, World
from credentials.models import TrustedIssuer
from credentials.services import active_key, issuer_for
from leave import rules
from leave.flexible import flexible_request_submit
from leave.models import CarersLeaveRequest, Deputy, FlexibleWorkingRequest
from leave.services import carers_leave_request
from organisations.models import (
    Membership,
    Nation,
    Organisation,
    Role,
    StaffImport,
    StaffRecord,
)
from organisations.services import staff_import_stage
from passports.models import Adjustment, Passport
from passports.services import adjustment_add, carer_declare

ANON = "anonymous"
EVERYONE = PERSONAS
MEMBERS = ("carer", "manager", "hr_admin", "org_admin", "champion", "sponsor")
HR = ("hr_admin", "org_admin")
ORG_ADMIN = ("org_admin",)


def expect(
    allowed: tuple[str, ...], ok: int, *, denied: int = 403, anon: int = 302, stranger: int = 404
) -> dict[str, int]:
    """Statuses in the home organisation: members without the role get ``denied``."""
    result = {ANON: anon, "outsider": stranger, "lead": stranger}
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
    # Anonymous callers and partnership leads have no token for the organisation: 401.
    expected = expect(allowed, ok, anon=401)
    expected["lead"] = 401
    # The outsider's token is for their own organisation: lists show theirs; our ids are 404.
    expected["outsider"] = 404 if cross else expected["org_admin"]
    return Spec(method, expected, kwargs, data=data, api=True, cross=cross)


def api_leave(t: Targets) -> dict[str, Any]:
    return {"request_id": t.leave.pk}


def _working_day(day: date) -> date:
    """``day`` or the next weekday that is no nation's bank holiday (carer's leave needs one)."""
    while any(
        rules.carers_leave_day_problem(day=day, working_days="12345", nation=nation)
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

MATRIX: dict[str, Spec] = {
    # Public pages.
    "home": Spec("GET", {**dict.fromkeys(EVERYONE, 302), ANON: 200}),
    "healthz": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "accessibility": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "privacy": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "switch_organisation": Spec(
        "POST", {**expect(MEMBERS, 302)}, data={"organisation": "home-org"}
    ),
    "invitation_accept": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-token"}
    ),
    "account_settings": Spec("GET", {**dict.fromkeys(EVERYONE, 200), ANON: 302}),
    "partnership_home": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": 200},
        lambda t: {"slug": t.org.partnership.slug},
    ),
    # Organisation pages.
    "organisation_home": page(MEMBERS),
    "my_record": page(MEMBERS),
    "my_team": page(MEMBERS),
    "staff_list": page(HR),
    "staff_create": page(HR),
    "staff_detail": page(HR, kwargs=staff, cross=True),
    "staff_edit": page(HR, kwargs=staff, cross=True),
    "staff_mark_left": page(HR, kwargs=staff, cross=True),
    "import_upload": page(HR),
    "import_preview": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "import_confirm": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}),
    "import_discard": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}),
    "import_status": page(
        HR, kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.staff_import.pk}, cross=True
    ),
    "unit_list": page(HR),
    "invite": page(HR),
    "invitation_revoke": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.invitation.pk}),
    "members": page(ORG_ADMIN),
    "member_remove": action(ORG_ADMIN, lambda t: {"org_slug": t.org.slug, "pk": t.membership.pk}),
    "audit_log": page(ORG_ADMIN),
    "token_list": page(HR),
    "token_revoke": action(HR, lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
    # Carer's leave: the employee, their line manager and HR see a request; only the manager decides.
    "leave_home": page(MEMBERS),
    "team_leave": page(MEMBERS),
    "team_calendar": page(MEMBERS),
    "deputies": page(("carer", "manager"), foreign_outsider=200),
    # Only the manager who named a deputy ends the appointment early.
    "deputy_end": replace(
        action(("manager",), deputy_appointment), role_first=False, foreign_outsider=302
    ),
    "calendar_feed": page(("carer", "manager"), foreign_outsider=200),
    # The feed needs no sign-in; an unknown secret is simply not found.
    "calendar_feed_ics": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-secret"}
    ),
    "carers_leave_new": page(("carer", "manager"), foreign_outsider=200),
    "dependants_time_off_new": page(("carer", "manager"), foreign_outsider=200),
    "leave_policy": page(HR),
    # HR's lists of every request in the organisation.
    "carers_leave_all": page(HR),
    "flexible_all": page(HR),
    "carers_leave_detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=leave, cross=True, role_first=False
    ),
    "carers_leave_accept": replace(
        action(("manager",), leave), role_first=False, foreign_outsider=403
    ),
    "carers_leave_postpone": page(
        ("manager",), kwargs=leave, cross=True, role_first=False, foreign_outsider=403
    ),
    "carers_leave_cancel": replace(
        action(("carer",), leave), role_first=False, foreign_outsider=302
    ),
    # Flexible working: the employee, their manager (who decides) and HR see a request.
    "flexible_home": page(MEMBERS),
    "flexible_new": page(("carer", "manager"), foreign_outsider=200),
    "flexible_detail": page(
        ("carer", "manager", "hr_admin", "org_admin"), kwargs=flexible, cross=True, role_first=False
    ),
    "flexible_consult": replace(
        action(
            ("manager",), flexible, {"held_on": timezone.localdate().isoformat(), "notes": "Talked"}
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible_decide": replace(
        action(("manager",), flexible, {"outcome": "approved"}),
        role_first=False,
        foreign_outsider=403,
    ),
    "flexible_extend": replace(
        action(
            ("manager",),
            flexible,
            {"extended_to": (timezone.localdate() + timedelta(days=120)).isoformat()},
        ),
        role_first=False,
        foreign_outsider=403,
    ),
    # Only a refused request can be appealed; this one is still open, so nobody may.
    "flexible_appeal": replace(
        action((), flexible, {"reason": "Please reconsider"}),
        role_first=False,
        foreign_outsider=403,
    ),
    # The letter exists once there is a decision; this request has none yet, so viewers get 404.
    "flexible_letter": page((), kwargs=flexible, cross=True, role_first=False, foreign_outsider=404)
    | dict.fromkeys(("carer", "manager", "hr_admin", "org_admin"), 404),
    "flexible_withdraw": replace(
        action(("carer",), flexible), role_first=False, foreign_outsider=302
    ),
    # Carers and passports: only the carer and the line manager they shared with (rules 1-3).
    "carer_home": page(("carer", "manager"), foreign_outsider=200),
    "carer_declare": page(("carer", "manager"), foreign_outsider=200),
    "carer_export_json": page(("carer", "manager"), foreign_outsider=200),
    "carer_export_pdf": page(("carer", "manager"), foreign_outsider=200),
    "carer_delete": page(("carer",), foreign_outsider=200) | {"manager": 302},
    "passport_mine": page((), foreign_outsider=302) | {"carer": 302, "manager": 302},
    "passport_share": replace(action(("carer", "manager"), org), cross=False, foreign_outsider=302),
    "passport_unshare": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    "passport_seen_by": page(("carer",), foreign_outsider=200) | {"manager": 302},
    "team_passports": page(MEMBERS),
    # Bringing a passport from another employer needs your own staff record here.
    "passport_import": page(("carer", "manager"), foreign_outsider=200),
    # An empty credential fails verification: the carer is told and sent back to step 1.
    "passport_import_confirm": replace(
        action(("carer", "manager"), org), cross=False, foreign_outsider=302
    ),
    # Only the carer takes a signed copy; the manager is refused before the version is looked up.
    "passport_credential": replace(
        passport_action(
            (),
            kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        ),
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403},
    # Personal API tokens: everyone's own, and nobody else's (an HR token is not one).
    "personal_tokens": page(MEMBERS, foreign_outsider=200),
    "personal_token_revoke": replace(
        action((), lambda t: {"org_slug": t.org.slug, "pk": t.token_id}),
        role_first=False,
        foreign_outsider=404,
    )
    | dict.fromkeys(MEMBERS, 404),
    "passport_detail": passport_page(("carer", "manager")),
    "passport_edit_about": passport_page(("carer",)) | {"manager": 403},
    "adjustment_new": passport_page(("carer", "manager")),
    "adjustment_edit": passport_page(
        ("carer", "manager"),
        kwargs=lambda t: {
            "org_slug": t.org.slug,
            "pk": t.passport.pk,
            "adjustment_pk": t.adjustment.pk,
        },
    ),
    "passport_review": passport_page(("carer", "manager")),
    "conversation_new": passport_page(("carer", "manager")),
    "passport_sign": passport_action(("carer", "manager"), data={"version": "1"}),
    # Nothing is agreed yet, so there is no version 1 to show anyone.
    "passport_version": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    ),
    # Only the carer downloads the PDF; the manager is refused before the version is looked up.
    "passport_version_pdf": passport_page(
        (),
        kwargs=lambda t: {"org_slug": t.org.slug, "pk": t.passport.pk, "number": 1},
        foreign_outsider=404,
    )
    | {"carer": 404, "manager": 403},
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
    # API: the token decides the organisation.
    # Credentials: public keys and issuer profiles are for anyone, signed in or not.
    "jwks": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "issuer_profile": Spec(
        "GET", dict.fromkeys(EVERYONE, 200), lambda t: {"public_id": issuer_for(t.org).public_id}
    ),
    # Whom to trust is an HR decision; the organisation's own signing keys are its admins'.
    "trusted_issuer_list": page(HR),
    "trusted_issuer_add": page(HR),
    "trusted_issuer_refresh": action(HR, trusted_issuer),
    "trusted_issuer_remove": page(HR, kwargs=trusted_issuer, cross=True),
    "signing_keys": page(ORG_ADMIN),
    "signing_key_rotate": page(ORG_ADMIN),
    "signing_key_revoke": page(ORG_ADMIN, kwargs=signing_key, cross=True),
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
    start = _LEAVE_START
    leave = carers_leave_request(
        staff=record, days=[(start, "full")], note="", by=record.user, today=timezone.localdate()
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
        by=record.user,
        today=timezone.localdate(),
    )
    carer_declare(staff=record, share_with_manager=True, by=record.user)
    passport = Passport.objects.get(staff=record)
    adjustment = adjustment_add(
        passport=passport,
        expected_version=None,
        kind="home_working",
        details="",
        review_on=None,
        by=record.user,
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


def _request(client: Client, spec: Spec, path: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if spec.method == "GET":
        return client.get(path, headers=headers).status_code
    if spec.api:
        body = json.dumps(spec.data or {})
        return client.generic(
            spec.method, path, body, content_type="application/json", headers=headers
        ).status_code
    return client.post(path, spec.data or {}, headers=headers).status_code


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
        own = spec.expected[persona]
        wanted = own if own == 401 or (own == 403 and spec.role_first) else 404
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
    else:
        wanted = 404
    assert _request(client, spec, path, token) == wanted, f"{spec.method} {path} as {persona}"


@pytest.mark.parametrize("name", sorted(ALLAUTH_ACCOUNT))
def test_account_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(ALLAUTH_ENTRY - {"account_logout"}))
def test_entry_pages_are_open(client, db, name):
    assert client.get(reverse(name)).status_code in (200, 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_closed_to_every_persona(world, persona):
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
