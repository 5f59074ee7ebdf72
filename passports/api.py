"""The carer's own passport in the API, for apps the carer chooses.

Every route needs a **personal** token (made by the carer at ``/o/<slug>/my-api-tokens/``).
An organisation's token, such as an HR system's, is refused with
``personal_token_required`` whatever roles its owner holds: nothing of a passport is ever
readable with one (trust rules 1 and 3). Each read is audited against the passport.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema

from api.auth import BearerToken
from api.schemas import Problem
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.holder import holder_binding, holder_code_new
from organisations.selectors import staff_record_for_user
from organisations.types import OrgRequest
from passports.credential import MEDIA_TYPE, passport_credential_issue
from passports.models import Passport
from passports.selectors import agreed_version, agreed_versions, latest_agreed, passport_of

router = Router(tags=["passports"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
# Your own passport only: still yours to read and take after you have left.
OWN = BearerToken("organisations.use_own_records", personal=True)


class AdjustmentOut(Schema):
    kind: str
    name: str
    details: str
    status: str
    review_on: date | None


class VersionSummary(Schema):
    number: int
    agreed_at: datetime
    manager: str


class PassportOut(Schema):
    id: int
    version: int = Field(description="Goes up with every change to what would be signed.")
    agreed: bool = Field(description="True when the draft is exactly the latest agreed version.")
    about_caring: str
    plan_b_contacts: str
    plan_b_at_work: str
    next_review_on: date | None
    adjustments: list[AdjustmentOut]
    agreed_versions: list[VersionSummary]


class AgreedVersionOut(Schema):
    number: int
    agreed_at: datetime
    carer_signed_at: datetime
    manager_signed_at: datetime
    manager: str
    content: dict[str, Any]


class CredentialIn(Schema):
    include_about: bool = Field(False, description="Add the carer's own words about their role.")
    include_plan_b: bool = Field(False, description="Add the emergency Plan B.")


class CredentialOut(Schema):
    credential: str = Field(description="A W3C Verifiable Credential secured as a compact JWS.")
    media_type: str
    holder_code: str = Field(
        description="Shown this once and kept nowhere: whoever brings the credential in must "
        "give it (docs/passport-credential.md)."
    )


def _mine(request: OrgRequest) -> Passport:
    record = staff_record_for_user(user=request.user, organisation=request.organisation)
    passport = passport_of(staff=record) if record is not None else None
    if passport is None:
        raise Http404
    return passport


@router.get("/mine", auth=OWN, response={200: PassportOut, **ERRORS})
def my_passport(request: OrgRequest) -> PassportOut:
    """The token owner's passport as it stands, with the list of agreed versions."""
    passport = _mine(request)
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.API,
        target=passport,
        organisation_id=request.organisation.pk,
        summary="Read own passport through the API",
    )
    latest = latest_agreed(passport=passport)
    return PassportOut(
        id=passport.pk,
        version=passport.version,
        agreed=latest is not None and latest.draft_version == passport.version,
        about_caring=passport.about_caring,
        plan_b_contacts=passport.plan_b_contacts,
        plan_b_at_work=passport.plan_b_at_work,
        next_review_on=passport.next_review_on,
        adjustments=[
            AdjustmentOut(
                kind=a.kind,
                name=str(a.get_kind_display()),
                details=a.details,
                status=a.status,
                review_on=a.review_on,
            )
            for a in passport.adjustments.all()
        ],
        agreed_versions=[
            VersionSummary(number=v.number, agreed_at=v.agreed_at, manager=v.manager_name)
            for v in agreed_versions(passport=passport)
        ],
    )


@router.get("/mine/versions/{number}", auth=OWN, response={200: AgreedVersionOut, **ERRORS})
def my_agreed_version(request: OrgRequest, number: int) -> AgreedVersionOut:
    passport = _mine(request)
    version = agreed_version(passport=passport, number=number)
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        channel=Channel.API,
        target=passport,
        organisation_id=request.organisation.pk,
        summary=f"Read own agreed version {number} through the API",
    )
    return AgreedVersionOut(
        number=version.number,
        agreed_at=version.agreed_at,
        carer_signed_at=version.carer_signed_at,
        manager_signed_at=version.manager_signed_at,
        manager=version.manager_name,
        content=version.content,
    )


@router.post(
    "/mine/versions/{number}/credential", auth=OWN, response={200: CredentialOut, **WRITE_ERRORS}
)
def my_credential(request: OrgRequest, number: int, payload: CredentialIn) -> CredentialOut:
    """Sign one agreed version as a portable credential (see docs/passport-credential.md)."""
    passport = _mine(request)
    version = agreed_version(passport=passport, number=number)
    code = holder_code_new()
    token = passport_credential_issue(
        passport=passport,
        version=version,
        by=request.user,
        holder=holder_binding(code),
        include_about=payload.include_about,
        include_plan_b=payload.include_plan_b,
        channel=Channel.API,
    )
    return CredentialOut(credential=token, media_type=MEDIA_TYPE, holder_code=code)
