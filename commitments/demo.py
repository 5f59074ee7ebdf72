"""Commitments' part of the demo: the employer's published leadership commitment."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from audit.models import Channel
from commitments.services import (
    commitment_adopt_template,
    draft_mark_ready,
    draft_update,
    version_publish,
    version_sign,
)
from organisations.models import Organisation


def seed(*, organisation: Organisation, hr: User, sponsor: User) -> None:
    """The commitment adopted from the template by ``hr``, signed by ``sponsor`` as chief
    executive, and published."""
    draft = commitment_adopt_template(organisation=organisation, by=hr, channel=Channel.COMMAND)
    draft = draft_update(
        version=draft,
        expected_revision=draft.revision,
        text=draft.text.replace(
            "## Who is responsible",
            "In our first year, every ward and department will also name a contact "
            "whom working carers can go to for advice.\n\n"
            "## Who is responsible",
        ),
        by=hr,
        channel=Channel.COMMAND,
    )
    draft = draft_mark_ready(
        version=draft, expected_revision=draft.revision, by=hr, channel=Channel.COMMAND
    )
    signed = version_sign(
        version=draft,
        expected_revision=draft.revision,
        name=sponsor.get_full_name(),
        role="Chief Executive",
        signed_on=timezone.localdate(),
        authority_confirmed=True,
        by=sponsor,
        channel=Channel.COMMAND,
    )
    version_publish(version=signed, by=hr, channel=Channel.COMMAND)
