"""The agreed passport as a portable credential, and bringing one in from elsewhere.

Issuing: a W3C Verifiable Credential (data model 2.0) of one agreed version, signed by
the organisation's key through the ``credentials`` app. By default it carries only the
agreed adjustments and dates (trust rule 9); the carer may add their own words and Plan B.
It is valid for a year from issue, the usual interval between passport reviews.

Holder binding: each credential carries a salted, slow hash of a holder code shown to the
carer once, when they take it (``credentials.holder``). Only someone who types that code can
bring it in, so a forwarded or found file is no use to anyone else.

Importing: the carer's new employer verifies it (signature, issuer trusted, unaltered, in
date, the holder code), and the carer chooses which adjustments to bring into a new draft,
as requests to talk through with their new manager: nothing arrives already agreed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.holder import (
    MAX_REFUSALS,
    holder_binding,
    holder_binding_of,
    holder_code_matches,
    holder_code_new,
    holder_refusal_record,
    holder_refusals_recent,
)
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
from passports.services import _commit_change, carer_declare
from shared.writes import lock

CREDENTIAL_TYPE = "WorkingCarerPassportCredential"
SUBJECT_TYPE = "WorkingCarerPassport"
VALID_FOR = timedelta(days=365)
MEDIA_TYPE = "application/vc+jwt"
_MAX_TEXT = 2000


def passport_credential_payload(
    version: AgreedVersion,
    *,
    holder: dict[str, str],
    include_about: bool = False,
    include_plan_b: bool = False,
) -> dict[str, Any]:
    """The credential before signing: agreed adjustments and dates, and more only if chosen.

    ``holder`` is the binding from ``credentials.holder.holder_binding``: a salt and a hash,
    never the code or anything else about the carer's accounts.
    """
    content = version.content
    subject: dict[str, Any] = {
        "type": SUBJECT_TYPE,
        "holderBinding": holder,
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
    holder: dict[str, str],
    include_about: bool = False,
    include_plan_b: bool = False,
    channel: Channel = Channel.WEB,
) -> str:
    """Sign one agreed version for the carer to take away. Only the carer may.

    ``holder`` binds it to the code the carer was shown (``credentials.holder``).
    """
    if passport.staff.user_id != by.pk or version.passport_id != passport.pk:
        raise PermissionDenied("Only the carer can take their passport away")
    if holder_binding_of(holder) is None:
        raise ValueError("A passport credential must carry a holder binding")
    now = timezone.now()
    with transaction.atomic():
        try:
            token = issue_credential(
                passport.staff.organisation,
                passport_credential_payload(
                    version,
                    holder=holder,
                    include_about=include_about,
                    include_plan_b=include_plan_b,
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


#: Salt of the signed value that carries a holder binding from the code page to the download.
_HOLDER_OFFER_SALT = "passports.credential-holder"


def holder_offer_new(
    *, passport: Passport, number: int, by: User, include_about: bool, include_plan_b: bool
) -> tuple[str, str]:
    """A fresh holder code to show the carer once, and the signed offer the download carries."""
    code = holder_code_new()
    signed = holder_offer_sign(
        holder_binding(code),
        passport=passport,
        number=number,
        by=by,
        include_about=include_about,
        include_plan_b=include_plan_b,
    )
    return code, signed


def holder_offer_sign(
    holder: dict[str, str],
    *,
    passport: Passport,
    number: int,
    by: User,
    include_about: bool,
    include_plan_b: bool,
) -> str:
    """What the code page hands to the download: the binding (not the code) and the choices.

    Signed so that nobody, the carer included, can bind a credential to a code of their own
    choosing (a guessable one); tied to the carer, passport and version it was made for.
    """
    return signing.dumps(
        {
            "holder": holder,
            "passport": passport.pk,
            "number": number,
            "user": by.pk,
            "about": include_about,
            "plan_b": include_plan_b,
        },
        salt=_HOLDER_OFFER_SALT,
    )


@dataclass(frozen=True)
class HolderOffer:
    holder: dict[str, str]
    include_about: bool
    include_plan_b: bool


def holder_offer_read(
    value: str, *, passport: Passport, number: int, by: User
) -> HolderOffer | None:
    """The offer signed by ``holder_offer_sign`` for this carer and version, or None."""
    try:
        data = signing.loads(value, salt=_HOLDER_OFFER_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or (
        data.get("passport"),
        data.get("number"),
        data.get("user"),
    ) != (
        passport.pk,
        number,
        by.pk,
    ):
        return None
    holder = holder_binding_of(data.get("holder"))
    if holder is None:
        return None
    return HolderOffer(holder, bool(data.get("about")), bool(data.get("plan_b")))


class ImportRefused(Exception):
    """The credential cannot be brought in; ``reason`` is a stable code, ``message`` for people.

    ``field`` names the form field the problem belongs to, when it is one.
    """

    def __init__(self, reason: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.field = field


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


def _check_holder(
    credential: dict[str, Any], subject: dict[str, Any], *, staff: StaffRecord, holder_code: str
) -> None:
    """Refuse unless the person bringing the credential in gives its holder code.

    A credential signed before holder codes existed cannot show whose it is, so it is refused
    too (docs/passport-credential.md, "Who can bring it in"). A wrong code is recorded and
    audited, privately; after ``MAX_REFUSALS`` in a day, checks stop for that person.
    """
    binding = holder_binding_of(subject.get("holderBinding"))
    if binding is None:
        raise ImportRefused(
            "not_bound",
            _(
                "This passport was signed before passports carried a holder code, so it cannot "
                "show that it was issued to you. If you can still sign in where it was agreed, "
                "download a fresh copy there. Otherwise add the adjustments to your passport "
                "here and talk them through with your line manager."
            ),
        )
    if staff.user is None:
        raise PermissionDenied("Only the carer can bring in their own passport")
    if holder_refusals_recent(user=staff.user) >= MAX_REFUSALS:
        raise ImportRefused(
            "too_many_attempts",
            _(
                "A wrong holder code has been given from your account too many times today. "
                "Try again tomorrow."
            ),
            field="holder_code",
        )
    if not holder_code.strip():
        raise ImportRefused(
            "no_holder_code",
            _("Enter the holder code you were given when you downloaded the passport."),
            field="holder_code",
        )
    if not holder_code_matches(holder_code, binding):
        holder_refusal_record(
            organisation=staff.organisation,
            user=staff.user,
            credential_id=str(credential.get("id", "")),
            issuer=_issuer_id(credential),
        )
        raise ImportRefused(
            "not_holder",
            _(
                "This holder code is not the one given with this passport. Enter it exactly as "
                "it was shown when the passport was downloaded. A passport can only be brought "
                "in by the person it was issued to."
            ),
            field="holder_code",
        )


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def passport_credential_check(token: str, *, staff: StaffRecord, holder_code: str) -> PassportOffer:
    """Verify the credential for the carer's organisation, check the holder, read the offer.

    A wrong holder code is written down (``credentials.holder.holder_refusal_record``), so
    call this outside any transaction that the refusal would roll back.
    """
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
    _check_holder(credential, subject, staff=staff, holder_code=holder_code)
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


def passport_credential_import(
    *,
    staff: StaffRecord,
    token: str,
    holder_code: str,
    chosen: list[int],
    by: User,
    channel: Channel = Channel.WEB,
) -> Passport:
    """Bring the chosen adjustments into the carer's draft as requests (checked again here)."""
    if staff.user_id != by.pk:
        raise PermissionDenied("Only the carer can bring in their own passport")
    # Checked outside the transaction: a refused holder code is recorded, not rolled back.
    offer = passport_credential_check(token, staff=staff, holder_code=holder_code)
    picked = [offer.adjustments[i] for i in sorted(set(chosen)) if 0 <= i < len(offer.adjustments)]
    if not picked:
        raise ImportRefused("nothing_chosen", _("Choose at least one adjustment to bring."))
    with transaction.atomic():
        return _bring_in(staff=staff, offer=offer, picked=picked, by=by, channel=channel)


def _bring_in(
    *,
    staff: StaffRecord,
    offer: PassportOffer,
    picked: list[CarriedAdjustment],
    by: User,
    channel: Channel,
) -> Passport:
    passport = Passport.objects.filter(staff=staff).first()
    if passport is None:
        carer_declare(staff=staff, by=by, channel=channel)
        passport = Passport.objects.get(staff=staff)
    locked = lock(
        Passport.objects.select_related("staff", "staff__line_manager", "staff__organisation"),
        passport.pk,
    )
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
