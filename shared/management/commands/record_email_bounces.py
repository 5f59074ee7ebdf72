"""`manage.py record_email_bounces [PATH ...]`: record the bounces a mailbox received.

Give it Maildir folders, mbox files or single messages, or pipe one message in (a mail server's
alias ``|manage.py record_email_bounces``). Reports about emails this service did not send are
ignored. See docs/deploy.md, "Bounces".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.bounces import bounced_message_ids, messages_in, read_message
from shared.outbox import outbox_report_bounces


class Command(BaseCommand):
    help = "Record delivery status notifications (bounces) for emails this service sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Maildir folders, mbox files or message files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path} does not exist")
        messages = (
            (message for path in paths for message in messages_in(path))
            if paths
            else iter([read_message(sys.stdin.buffer)])
        )
        reports = bounced = 0
        for message in messages:
            message_ids = bounced_message_ids(message)
            if message_ids:
                reports += 1
                bounced += len(message_ids)
                outbox_report_bounces(message_ids)
        self.stdout.write(f"{reports} bounce reports read, naming {bounced} emails.")
