"""Badges: an Open Badges 3.0 ``OpenBadgeCredential`` for each module a learner passes.

The organisation signs it with its key through ``credentials`` (the same keys as passports),
so anyone can check it against the published keys. What the credential says about the
learner is deliberately little: a random subject id, and their email address only as a salted
hash, which lets the learner prove the badge is theirs to someone who knows the address
without printing it. Their name appears only on the public page, and only if they choose.

A badge stops being valid when its module version is withdrawn (``withdrawn_versions`` in the
module's files), when the key that signed it is revoked, or when it expires; the public page
and the learner's pages check all three every time they are shown.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.services import OB_V3_CONTEXT, VC_V2_CONTEXT, issue_open_badge, issuer_id
from credentials.verification import VerificationResult, verify_credential
from learning.catalogue import OWN_PREFIX, find_module
from learning.content import Module
from learning.models import Badge, QuizAttempt
from learning.selectors import badge_of_credential
from organisations.models import Organisation
from shared.writes import RuleError, lock

#: Awareness fades and the rules change: after three years a badge expires and the learner
#: can take the module again to earn a new one.
VALID_FOR = timedelta(days=3 * 365)


def badge_url(badge: Badge) -> str:
    """The badge's public page, which is also its credential id: opening the id shows its
    status."""
    return f"{settings.SITE_URL}{reverse('learning:badge_public', args=[badge.public_id])}"


def badge_image_path(module_slug: str, organisation: Organisation) -> str:
    """The badge's picture; an organisation's own module's is under the organisation's name."""
    if module_slug.startswith(OWN_PREFIX):
        return reverse("learning:badge_image_own", args=[organisation.slug, module_slug])
    return reverse("learning:badge_image", args=[module_slug])


def badge_image_url(module: Module, organisation: Organisation) -> str:
    return f"{settings.SITE_URL}{badge_image_path(module.slug, organisation)}"


def achievement_id(*, issuer: str, module: str, version: int) -> str:
    """One achievement per issuer, module and version, the same in every badge for it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{issuer}#learning/{module}/v{version}')}"


def _identity(email: str) -> dict[str, Any]:
    """The learner's email address as Open Badges' salted SHA-256 identity hash."""
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def badge_credential(badge: Badge, module: Module, *, email: str) -> dict[str, Any]:
    """The unsigned credential for ``badge`` (``credentials`` adds the issuer id and dates)."""
    issuer = issuer_id(badge.organisation)
    asked = module.questions_per_attempt
    return {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": badge_url(badge),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": module.title,
        "description": module.summary,
        "issuer": {"type": ["Profile"], "name": badge.organisation.name},
        "awardedDate": badge.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["AchievementSubject"],
            "identifier": [_identity(email)],
            "achievement": {
                "id": achievement_id(
                    issuer=issuer, module=module.slug, version=badge.module_version
                ),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": module.title,
                "description": module.summary,
                "criteria": {
                    "narrative": (
                        f"Read the {len(module.lessons)} lessons of {module.title} and answered "
                        f"at least {module.pass_mark}% of a {asked}-question quiz correctly."
                    )
                },
                "image": {
                    "id": badge_image_url(module, badge.organisation),
                    "type": "Image",
                },
                "version": str(badge.module_version),
            },
        },
    }


def badge_issue(*, attempt: QuizAttempt, module: Module, learner: User) -> Badge | None:
    """Issue a badge for a passing attempt, inside the caller's transaction, unless the learner
    already holds one for this module that still stands.

    The audit entry is private to the learner, like the attempt: whether someone passed is
    theirs to share.
    """
    if not attempt.passed or attempt.module_version != module.version:
        return None
    now = timezone.now()
    held = Badge.objects.filter(
        organisation=attempt.organisation, user=learner, module=module.slug, valid_until__gt=now
    )
    # One that still stands: in date, on a version not withdrawn, and still verifying (its
    # signing key may have been revoked since).
    if any(badge_check(badge.token, badge=badge, module=module).valid for badge in held):
        return None
    badge = Badge(
        organisation=attempt.organisation,
        user=learner,
        module=module.slug,
        module_version=attempt.module_version,
        attempt=attempt,
        issued_at=now,
        valid_until=now + VALID_FOR,
    )
    badge.token = issue_open_badge(
        attempt.organisation,
        badge_credential(badge, module, email=learner.email),
        valid_from=badge.issued_at,
        valid_until=badge.valid_until,
    )
    badge.save()
    audit_record(
        actor=learner,
        action=Action.CREATE,
        channel=Channel.SYSTEM,
        target=badge,
        organisation_id=attempt.organisation_id,
        summary=f"Issued a {module.title} badge",
    )
    return badge


@transaction.atomic
def badge_share(*, badge: Badge, by: User, shared: bool, show_name: bool) -> bool:
    """The holder's choice for the public page. Returns whether anything changed: choosing
    what is already chosen writes nothing."""
    badge = lock(Badge, badge.pk)
    if badge.user_id != by.pk:
        raise RuleError("not_your_badge", "This badge is not yours.")
    if (badge.shared, badge.show_name) == (shared, show_name):
        return False
    badge.shared, badge.show_name = shared, show_name
    badge.save(update_fields=["shared", "show_name"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=Channel.WEB,
        target=badge,
        organisation_id=badge.organisation_id,
        summary="Changed what a badge's public page shows",
        changes={"shared": shared, "show_name": show_name},
    )
    return True


@dataclass(frozen=True)
class BadgeCheck:
    """What a badge's pages say about it: the signature check, then the module's word."""

    verification: VerificationResult
    #: Why the module version it was earned on was withdrawn, if it was.
    withdrawn: str | None

    @property
    def valid(self) -> bool:
        return self.verification.valid and self.withdrawn is None

    def _date(self, field: str) -> datetime | None:
        credential = self.verification.credential or {}
        value = credential.get(field)
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @property
    def valid_from(self) -> datetime | None:
        """When the verified badge was issued, for people to read."""
        return self._date("validFrom")

    @property
    def valid_until(self) -> datetime | None:
        return self._date("validUntil")

    @property
    def message(self) -> str:
        if self.verification.valid and self.withdrawn is not None:
            return f"This badge has been withdrawn: {self.withdrawn}"
        return self.verification.message


def badge_check(
    token: str, *, badge: Badge | None, module: Module | None, now: datetime | None = None
) -> BadgeCheck:
    """Verify a badge's token against this deployment's published keys, signed out (no
    organisation's trusted issuers), and look up whether its module version was withdrawn."""
    verification = verify_credential(
        token, receiving_organisation=None, now=now, profile="open-badge"
    )
    withdrawn = None
    if verification.valid and badge is not None and module is not None:
        withdrawn = module.withdrawn_reason(badge.module_version)
    return BadgeCheck(verification=verification, withdrawn=withdrawn)


def badge_check_file(token: str) -> BadgeCheck:
    """Check a badge someone brings: the signature first; then, for a badge issued here, whether
    its module version was withdrawn."""
    check = badge_check(token, badge=None, module=None)
    credential = check.verification.credential
    known = badge_of_credential(credential) if credential is not None else None
    found = (
        find_module(organisation_id=known.organisation_id, slug=known.module, include_retired=True)
        if known is not None
        else None
    )
    if known is None or found is None:
        return check
    return BadgeCheck(
        verification=check.verification, withdrawn=found.withdrawn_reason(known.module_version)
    )
