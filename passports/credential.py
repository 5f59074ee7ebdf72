"""The agreed passport as a portable credential, and bringing one in from elsewhere.

Issuing: a W3C Verifiable Credential (data model 2.0) of one agreed version, signed by
the organisation's key through the ``credentials`` app. By default it carries only the
agreed adjustments and dates (trust rule 9); the carer may add their own words and Plan B.
It is valid for a year from issue, the usual interval between passport reviews.

Importing: the carer's new employer verifies it (signature, issuer trusted, unaltered, in
date), and the carer chooses which adjustments to bring into a new draft, as requests to
talk through with their new manager: nothing arrives already agreed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.services import issue_credential
from credentials.verification import verify_credential
from organisations.models import StaffRecord
from passports.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    AgreedVersion,
    Passport,
)
from passports.services import _commit_change, _lock, carer_declare

CREDENTIAL_TYPE = "WorkingCarerPassportCredential"
SUBJECT_TYPE = "WorkingCarerPassport"
VALID_FOR = timedelta(days=365)
MEDIA_TYPE = "application/vc+jwt"
_MAX_TEXT = 2000


def passport_credential_payload(
    version: AgreedVersion, *, include_about: bool = False, include_plan_b: bool = False
) -> dict[str, Any]:
    """The credential before signing: agreed adjustments and dates, and more only if chosen."""
    content = version.content
    subject: dict[str, Any] = {
        "type": SUBJECT_TYPE,
        "name": content.get("carer", ""),
        "passportVersion": version.number,
        "agreedOn": timezone.localtime(version.agreed_at).date().isoformat(),
        "nextReviewOn": content.get("next_review_on"),
        "adjustments": [
            {
                "kind": item["kind"],
                "name": item["label"],
                "details": item.get("details", ""),
                "reviewOn": item.get("review_on"),
            }
            for item in content.get("adjustments", [])
            if item.get("status") == AdjustmentStatus.AGREED
        ],
    }
    if include_about and content.get("about_caring"):
        subject["aboutCaringRole"] = content["about_caring"]
    if include_plan_b and (content.get("plan_b_contacts") or content.get("plan_b_at_work")):
        subject["planB"] = {
            "whoToContact": content.get("plan_b_contacts", ""),
            "atWork": content.get("plan_b_at_work", ""),
        }
    return {
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": [CREDENTIAL_TYPE],
        "name": "Working Carer's Passport",
        "credentialSubject": subject,
    }


def passport_credential_issue(
    *,
    passport: Passport,
    version: AgreedVersion,
    by: User,
    include_about: bool = False,
    include_plan_b: bool = False,
    channel: Channel = Channel.WEB,
) -> str:
    """Sign one agreed version for the carer to take away. Only the carer may."""
    if passport.staff.user_id != by.pk or version.passport_id != passport.pk:
        raise PermissionDenied("Only the carer can take their passport away")
    now = timezone.now()
    with transaction.atomic():
        try:
            token = issue_credential(
                passport.staff.organisation,
                passport_credential_payload(
                    version, include_about=include_about, include_plan_b=include_plan_b
                ),
                valid_from=now,
                valid_until=now + VALID_FOR,
                actor=by,
                channel=channel,
                private=True,
            )
        except ValueError as error:  # larger than a credential may be
            raise ValidationError(
                _(
                    "This passport is too long to sign as one credential. Leave out your own words or Plan B."
                )
            ) from error
        audit_record(
            actor=by,
            action=Action.EXPORT,
            channel=channel,
            target=passport,
            organisation_id=passport.staff.organisation_id,
            summary=f"Took a signed credential of agreed version {version.number}",
        )
    return token


class ImportRefused(Exception):
    """The credential cannot be brought in; ``reason`` is a stable code, ``message`` for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CarriedAdjustment:
    kind: str
    name: str
    details: str
    review_on: date | None


@dataclass(frozen=True)
class PassportOffer:
    """What a verified credential offers: shown to the carer so they can choose."""

    issuer_name: str
    carer_name: str
    agreed_on: str
    version: int
    adjustments: list[CarriedAdjustment]


def _text(value: Any) -> str:
    return value[:_MAX_TEXT] if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def passport_credential_check(token: str, *, staff: StaffRecord) -> PassportOffer:
    """Verify the credential for the carer's organisation and read what it offers."""
    result = verify_credential(token.strip(), receiving_organisation=staff.organisation)
    if not result.valid or result.credential is None:
        raise ImportRefused(result.reason, result.message)
    credential = result.credential
    subject = credential.get("credentialSubject")
    types = credential.get("type", [])
    types = types if isinstance(types, list) else [types]
    if CREDENTIAL_TYPE not in types or not isinstance(subject, dict):
        raise ImportRefused(
            "not_a_passport", _("This is a genuine credential, but not a Working Carer's Passport.")
        )
    items = subject.get("adjustments")
    adjustments = [
        CarriedAdjustment(
            kind=item["kind"]
            if item.get("kind") in AdjustmentKind.values
            else AdjustmentKind.OTHER,
            name=_text(item.get("name")) or str(AdjustmentKind.OTHER.label),
            details=_text(item.get("details")),
            review_on=_date(item.get("reviewOn")),
        )
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
    ]
    version = subject.get("passportVersion")
    return PassportOffer(
        issuer_name=result.issuer_name or result.issuer or "",
        carer_name=_text(subject.get("name")),
        agreed_on=_text(subject.get("agreedOn")),
        version=version if isinstance(version, int) else 0,
        adjustments=adjustments,
    )


@transaction.atomic
def passport_credential_import(
    *, staff: StaffRecord, token: str, chosen: list[int], by: User, channel: Channel = Channel.WEB
) -> Passport:
    """Bring the chosen adjustments into the carer's draft as requests (checked again here)."""
    if staff.user_id != by.pk:
        raise PermissionDenied("Only the carer can bring in their own passport")
    offer = passport_credential_check(token, staff=staff)
    picked = [offer.adjustments[i] for i in sorted(set(chosen)) if 0 <= i < len(offer.adjustments)]
    if not picked:
        raise ImportRefused("nothing_chosen", _("Choose at least one adjustment to bring."))
    passport = Passport.objects.filter(staff=staff).first()
    if passport is None:
        carer_declare(staff=staff, by=by, channel=channel)
        passport = Passport.objects.get(staff=staff)
    locked = _lock(passport)
    origin = _("Agreed at %(issuer)s on %(date)s") % {
        "issuer": offer.issuer_name,
        "date": offer.agreed_on,
    }
    already = set(locked.adjustments.values_list("kind", "details", "carried_from"))
    for item in picked:
        details = item.details
        if item.kind == AdjustmentKind.OTHER and item.name and item.name not in details:
            details = f"{item.name}: {details}" if details else item.name
        details = details[:_MAX_TEXT]
        if (item.kind, details, origin[:200]) in already:
            continue  # the same credential brought in twice adds nothing new
        Adjustment.objects.create(
            passport=locked,
            kind=item.kind,
            details=details,
            review_on=item.review_on
            if item.review_on and item.review_on > timezone.localdate()
            else None,
            status=AdjustmentStatus.REQUESTED,
            carried_from=origin[:200],
        )
    _commit_change(
        locked,
        by=by,
        changes=[{"label": _("adjustments"), "old": "", "new": ", ".join(i.name for i in picked)}],
        channel=channel,
        summary=f"Brought {len(picked)} adjustment(s) from a passport agreed elsewhere",
    )
    return locked
