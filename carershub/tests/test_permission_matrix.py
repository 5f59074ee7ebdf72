"""Every URL, every persona, own, foreign and cross-tenant objects (docs/trust-rules.md, rule 6).

Each app classifies its own URLs and API operations in its ``tests/matrix.py`` fragment, written
with ``carershub/tests/matrix_kit.py``; this module merges the fragments and walks them. The URL
list comes from the resolver, so a new URL that no fragment classifies fails
``test_every_url_is_classified``. Expected statuses: 200 shown, 201 created, 302 redirect
(to sign in for anonymous visitors, or after a successful action), 401 no API token,
403 too little role in your own organisation, 404 another organisation's object, 405 wrong method.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from accounts.tests.matrix import MATRIX as ACCOUNTS
from api.services import api_token_create
from api.tests.matrix import MATRIX as API
from audit.models import Channel
from benchmarks.tests.matrix import MATRIX as BENCHMARKS
from carershub.tests.matrix import MATRIX as SITE
from carershub.tests.matrix_kit import ANON, LEAVE_START, MEMBERS, Spec, Targets
from carershub.tests.personas import PERSONAS, World
from commitments.tests.matrix import MATRIX as COMMITMENTS
from communications.tests.matrix import MATRIX as COMMUNICATIONS
from credentials.tests.matrix import MATRIX as CREDENTIALS
from forum.tests.matrix import MATRIX as FORUM
from guidance.tests.matrix import MATRIX as GUIDANCE
from insights.tests.matrix import MATRIX as INSIGHTS
from learning.tests.matrix import MATRIX as LEARNING
from leave.flexible.services import flexible_request_submit
from leave.services import carers_leave_request
from leave.tests.matrix import MATRIX as LEAVE
from networks.tests.matrix import MATRIX as NETWORKS
from organisations.invitations import invitation_send
from organisations.models import (
    InvitationBatch,
    InvitationBatchStatus,
    InvitationBatchStop,
    Membership,
    Organisation,
    Role,
)
from organisations.services import staff_import_stage
from organisations.tests.matrix import MATRIX as ORGANISATIONS
from passports.models import Passport
from passports.services import adjustment_add, carer_declare
from passports.tests.matrix import MATRIX as PASSPORTS
from plans.tests.matrix import MATRIX as PLANS
from policies.tests.matrix import MATRIX as POLICIES
from search.tests.matrix import MATRIX as SEARCH
from signposting.tests.matrix import MATRIX as SIGNPOSTING

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
        "networks:leave",
        "networks:home",
    }
)


def merged(*fragments: dict[str, Spec]) -> dict[str, Spec]:
    """One matrix from the apps' fragments. A URL in two fragments is a mistake: one of the two
    would silently win."""
    matrix: dict[str, Spec] = {}
    for fragment in fragments:
        twice = matrix.keys() & fragment.keys()
        if twice:
            raise ValueError(f"Classified in more than one fragment: {sorted(twice)}")
        matrix.update(fragment)
    return matrix


MATRIX = merged(
    SITE,
    ORGANISATIONS,
    ACCOUNTS,
    API,
    LEAVE,
    PASSPORTS,
    COMMITMENTS,
    PLANS,
    CREDENTIALS,
    BENCHMARKS,
    GUIDANCE,
    SEARCH,
    LEARNING,
    NETWORKS,
    SIGNPOSTING,
    FORUM,
    POLICIES,
    COMMUNICATIONS,
    INSIGHTS,
)


def test_a_url_in_two_fragments_is_refused():
    with pytest.raises(ValueError, match="home"):
        merged(SITE, {"home": SITE["home"]})


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
    "socialaccount_login_cancelled",
    "socialaccount_signup",
}
#: allauth's page after a failed single sign-on, answered 401 by design.
ALLAUTH_ERROR = {"socialaccount_login_error"}
#: allauth's unnamed permanent redirects from its old social account addresses to the new.
ALLAUTH_LEGACY_REDIRECTS = {
    "accounts/social/login/cancelled/": "socialaccount_login_cancelled",
    "accounts/social/login/error/": "socialaccount_login_error",
    "accounts/social/signup/": "socialaccount_signup",
    "accounts/social/connections/": "socialaccount_connections",
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
    "socialaccount_connections",
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
        name
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/") and route not in ALLAUTH_LEGACY_REDIRECTS
    }


def test_every_url_is_classified():
    known = set(MATRIX) | ALLAUTH_ENTRY | ALLAUTH_ACCOUNT | ALLAUTH_WITH_ARGS | ALLAUTH_ERROR
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
    start = LEAVE_START
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
    # Stopped, so that the matrix's Stop and Continue find something to do or refuse.
    invitation_batch = InvitationBatch.objects.create(
        organisation=organisation,
        whole_organisation=True,
        scope_label=organisation.name,
        requested_by=owner,
        status=InvitationBatchStatus.STOPPED,
        stopped_reason=InvitationBatchStop.BY_HR,
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
        invitation_batch=invitation_batch,
        flexible=flexible,
        passport=passport,
        adjustment=adjustment,
    )


#: Public on purpose, for verifiers anywhere: the only responses a cache may keep.
PUBLIC_RESPONSES = frozenset(
    {
        "credentials:jwks",
        "credentials:issuer_profile",
        "credentials:public_key",
        # The same picture for every badge of a module: it says nothing about anyone.
        "learning:badge_image",
        "learning:badge_image_own",
    }
)


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
        invitation_batch=foreign.invitation_batch,
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


def test_the_failed_single_sign_on_page_is_open_and_says_so(client, db):
    (name,) = ALLAUTH_ERROR
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("route", "name"), sorted(ALLAUTH_LEGACY_REDIRECTS.items()))
def test_allauths_old_social_addresses_only_redirect(client, db, route, name):
    response = client.get(f"/{route}")
    assert response.status_code == 301
    assert response["Location"] == reverse(name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_closed_to_every_persona(world, persona):
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
