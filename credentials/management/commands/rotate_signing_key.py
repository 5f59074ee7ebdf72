"""Rotate or revoke credential signing keys from the command line.

    manage.py rotate_signing_key acme                 # new active key for one organisation
    manage.py rotate_signing_key --all                # for every organisation (scheduled rotation)
    manage.py rotate_signing_key --revoke=KID --reason "Backup copied to a laptop"
    manage.py rotate_signing_key --reencrypt          # after putting a new encryption key first

Each event is audited with the command line as its channel.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import Channel
from credentials.models import SigningKey
from credentials.services import reencrypt_keys, revoke_key, rotate_key
from organisations.models import Organisation
from shared.text import clean_text


class Command(BaseCommand):
    help = "Rotate an organisation's credential signing key, or revoke a key by its kid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug", nargs="?", help="The organisation whose key to rotate.")
        parser.add_argument("--all", action="store_true", help="Rotate every organisation's key.")
        parser.add_argument(
            "--revoke",
            metavar="KID",
            help="Revoke this key for good. Write --revoke=KID: a kid may begin with a dash.",
        )
        parser.add_argument("--reason", default="", help="Why the key is revoked (required).")
        parser.add_argument(
            "--reencrypt",
            action="store_true",
            help="Re-encrypt every private key under the first CREDENTIALS_ENCRYPTION_KEYS entry.",
        )

    def handle(
        self,
        *args: Any,
        org_slug: str | None,
        all: bool,
        revoke: str | None,
        reason: str,
        reencrypt: bool,
        **options: Any,
    ) -> None:
        chosen = sum([bool(org_slug), all, bool(revoke), reencrypt])
        if chosen != 1:
            raise CommandError("Give exactly one of ORG_SLUG, --all, --revoke KID or --reencrypt.")
        if reencrypt:
            count = reencrypt_keys()
            self.stdout.write(f"Re-encrypted {count} signing key(s).")
            return
        if revoke:
            key = SigningKey.objects.filter(kid=revoke).select_related("organisation").first()
            if key is None:
                raise CommandError(f"No signing key has the kid {revoke!r}.")
            try:
                # A reason typed on the command line follows the same rule as the page's.
                reason = clean_text(reason, multiline=False)
                revoke_key(key, actor=None, reason=reason, channel=Channel.COMMAND)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"Revoked {key.kid} of {key.organisation.slug}.")
            return
        if all:
            organisations = list(Organisation.objects.order_by("slug"))
        else:
            found = Organisation.objects.filter(slug=org_slug).first()
            if found is None:
                raise CommandError(f"No organisation has the short name {org_slug!r}.")
            organisations = [found]
        for organisation in organisations:
            key = rotate_key(organisation, actor=None, channel=Channel.COMMAND)
            self.stdout.write(f"{organisation.slug}: new signing key {key.kid}")
