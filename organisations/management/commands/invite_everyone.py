"""`manage.py invite_everyone ORG_SLUG --as EMAIL [--unit CODE] [--here]`: the bulk invitation
of the "Invite everyone in post" page, from the command line.

The batch runs on the authority of the HR or organisation admin named by ``--as``, as if they
had pressed the button: it is audited as theirs, and it stops if they lose that power. By
default it is queued for a task worker; ``--here`` runs it in this process (no worker needed),
step by step as the worker would, so memory stays flat whatever the organisation's size.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from organisations.bulk_invitations import (
    invitation_batch_preview,
    invitation_batch_run,
    invitation_batch_start,
)
from organisations.models import InvitationBatch, Organisation
from organisations.selectors import units_matching_code


class Command(BaseCommand):
    help = "Invite everyone in post in an organisation, or in one unit and the units under it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's short name (slug)")
        parser.add_argument(
            "--as",
            dest="as_email",
            required=True,
            help="Email address of the HR or organisation admin the invitations come from",
        )
        parser.add_argument("--unit", default="", help="A unit's code: that unit and below")
        parser.add_argument(
            "--here", action="store_true", help="Send them from this process, not a task worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError("No organisation has that short name.")
        by = User.objects.filter(email__iexact=options["as_email"].strip()).first()
        if by is None:
            raise CommandError("No account has that email address.")
        unit = None
        if options["unit"]:
            matches = units_matching_code(organisation=organisation, code=options["unit"])
            if len(matches) != 1:
                raise CommandError("Name one unit by its exact code.")
            unit = matches[0]
        preview = invitation_batch_preview(organisation=organisation, unit=unit)
        self.stdout.write(
            f"In post: {preview.in_post}; already joined: {preview.joined}; already invited: "
            f"{preview.invited}; no work email: {preview.no_email}; to invite: about "
            f"{preview.to_invite}."
        )
        try:
            if options["here"]:
                # Queued on commit as usual, unless this process takes it first.
                with transaction.atomic():
                    batch = invitation_batch_start(organisation=organisation, unit=unit, by=by)
                invitation_batch_run(batch_id=batch.pk)
            else:
                batch = invitation_batch_start(organisation=organisation, unit=unit, by=by)
        except PermissionDenied:
            raise CommandError("That person may not invite employees here.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        batch = InvitationBatch.objects.get(pk=batch.pk)
        self.stdout.write(
            f"Batch {batch.pk}: {batch.get_status_display()}; invited {batch.invited} of "
            f"{batch.total} in post."
        )
