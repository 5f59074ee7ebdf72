"""Writes to a person's own account settings."""

from __future__ import annotations

from django.db import transaction

from accounts.models import DigestFrequency, User
from audit.models import Action, Channel
from audit.services import audit_record
from shared.languages import is_language


@transaction.atomic
def digest_choose(
    *, user: User, frequency: DigestFrequency, channel: Channel = Channel.WEB
) -> bool:
    """Save how often the person wants the email of what waits for them; True if it changed.

    Saving the same choice again writes nothing, not even an audit entry.
    """
    if user.waiting_digest == frequency:
        return False
    previous = user.waiting_digest
    User.objects.filter(pk=user.pk).update(waiting_digest=frequency)
    user.waiting_digest = frequency
    audit_record(
        actor=user,
        action=Action.UPDATE,
        channel=channel,
        target=user,
        organisation_id=None,
        summary="Changed the email of what is waiting",
        changes={"waiting_digest": [previous, str(frequency)]},
    )
    return True


@transaction.atomic
def language_choose(*, user: User, language: str, channel: Channel = Channel.WEB) -> bool:
    """Save the language the person reads pages, emails and documents in ("" follows their
    organisation's default); True if it changed. The same choice again writes nothing.

    Not audited: it is the person's own preference and decides nothing about anyone.
    """
    if language and not is_language(language):
        raise ValueError(f"not one of the site's languages: {language!r}")
    if user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
