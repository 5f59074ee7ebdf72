"""`manage.py requeue_failed_emails`: send again the emails that failed, once the mail server works.

The same as the Django admin's "Send the selected failed emails again" action, for all failed
emails still kept (14 days) or those named with ``--id``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shared.outbox import outbox_requeue


class Command(BaseCommand):
    help = "Queue failed emails to be sent again, with a fresh set of attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id",
            type=int,
            action="append",
            dest="ids",
            help="Only this email (as numbered in the admin); repeat for several",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox_requeue(ids=options["ids"])
        self.stdout.write(f"{count} failed emails queued again.")
