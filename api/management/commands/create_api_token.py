"""Print a new API token for someone who may manage tokens (HR admin or organisation admin).

Only the token goes to stdout, so it can be piped into a secret store:

    manage.py create_api_token hr@example.org --organisation acme --name "Nightly sync" > token
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from api.services import api_token_create
from audit.models import Channel
from organisations.models import Organisation
from organisations.selectors import organisations_for
from shared.text import TextRuleError, clean_text


class Command(BaseCommand):
    help = "Create an API token acting as EMAIL in one organisation and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The token's owner; the token acts with their roles.")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="Required when the person belongs to more than one organisation.",
        )
        parser.add_argument("--name", default="Command-line token", help="What the token is for.")

    def handle(
        self, *args: Any, email: str, organisation: str | None, name: str, **options: Any
    ) -> None:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the email address {email!r}.")
        target = _choose_organisation(user=user, slug=organisation)
        if not user.has_perm("api.manage_tokens", target):
            raise CommandError(
                f"{user.email} is not an HR admin or organisation admin of {target.slug}, "
                "so cannot have an API token there."
            )
        try:
            name = clean_text(name, multiline=False)  # the rule the token page applies
        except TextRuleError as error:
            raise CommandError(" ".join(error.messages)) from error
        _token, secret = api_token_create(
            user=user, organisation=target, name=name, channel=Channel.COMMAND
        )
        self.stdout.write(secret)


def _choose_organisation(*, user: User, slug: str | None) -> Organisation:
    """The organisation named by ``slug``, or the user's only one."""
    theirs = list(organisations_for(user=user))
    listing = ", ".join(org.slug for org in theirs) or "none"
    if slug is not None:
        for org in theirs:
            if org.slug == slug:
                return org
        raise CommandError(
            f"{user.email} does not belong to an organisation {slug!r}. Theirs: {listing}."
        )
    if len(theirs) == 1:
        return theirs[0]
    if not theirs:
        raise CommandError(f"{user.email} does not belong to any organisation.")
    raise CommandError(
        f"{user.email} belongs to several organisations; choose one with --organisation. "
        f"Theirs: {listing}."
    )
