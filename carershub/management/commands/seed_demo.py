"""Build the fictional demo partnership used by `make run` and the screenshots.

Runs once: if the demo partnership already exists it only prints the logins. The base
(organisations, staff, logins) comes first; each feature app then adds its own part.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benchmarks import demo as benchmarks_demo
from commitments import demo as commitments_demo
from communications import demo as communications_demo
from forum import demo as forum_demo
from learning import demo as learning_demo
from leave import demo as leave_demo
from networks import demo as networks_demo
from organisations import demo as organisations_demo
from passports import demo as passports_demo
from plans import demo as plans_demo
from policies import demo as policies_demo
from signposting import demo as signposting_demo


class Command(BaseCommand):
    help = "Create the fictional Eastbrook demo partnership with staff and one login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo superuser's password and authenticator key are published.
            raise CommandError("seed_demo is for demonstrations and refuses to run in production")
        if organisations_demo.demo_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                self._build()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD})")
        for line in organisations_demo.login_lines():
            self.stdout.write(line)

    def _build(self) -> None:
        base = organisations_demo.seed_base()
        trust, users = base.trust, base.users
        # In this order, so that every machine numbers the rows the same way.
        leave_demo.seed(organisation=trust, carer=users["carer"])
        passports_demo.seed(organisation=trust, carer=users["carer"], manager=users["manager"])
        passports_demo.seed_counted_colleagues(organisations=list(base.organisations.values()))
        plans_demo.seed(
            organisation=trust, hr=users["hr"], manager=users["manager"], champion=users["champion"]
        )
        commitments_demo.seed(organisation=trust, hr=users["hr"], sponsor=users["sponsor"])
        benchmarks_demo.seed(organisation=trust, hr=users["hr"])
        learning_demo.seed(organisation=trust, carer=users["carer"], manager=users["manager"])
        networks_demo.seed(organisation=trust, champion=users["champion"], carer=users["carer"])
        signposting_demo.seed(
            organisation=trust, partnership=base.partnership, hr=users["hr"], lead=users["lead"]
        )
        forum_demo.seed(
            partnership=base.partnership,
            hr=users["hr"],
            council_hr=users["council.hr"],
            champion=users["champion"],
            lead=users["lead"],
        )
        policies_demo.seed(organisation=trust, hr=users["hr"])
        communications_demo.seed(organisation=trust, hr=users["hr"])
