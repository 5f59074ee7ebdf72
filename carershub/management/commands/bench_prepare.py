"""For ``make bench``: load the scale data if missing, sign the bench people in, count queries.

Prints one JSON object: the pages to load, a session cookie or API token for each, and
how many database queries each page makes (measured here, in-process).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.services import api_token_create
from audit.models import Channel
from carershub.scale_data import bench_people, generate_scale_data, scale_data_present


class Command(BaseCommand):
    help = "Prepare a benchmark database and print the pages, credentials and query counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, required=True)
        parser.add_argument("--organisations", type=int, default=None)
        parser.add_argument("--password", default="bench password 1")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DJANGO_ENV == "production":
            raise CommandError("Benchmarks never run against production.")
        staff = options["staff"]
        present = scale_data_present()
        if present and present != staff:
            raise CommandError(f"This database holds {present} staff, not {staff}.")
        if not present:
            organisations = options["organisations"] or max(1, min(209, round(staff / 7200)))
            generate_scale_data(staff=staff, organisations=organisations)
        people = bench_people(password=options["password"])
        slug = people.organisation.slug
        _token, secret = api_token_create(
            user=people.hr, organisation=people.organisation, name="bench", channel=Channel.COMMAND
        )
        clients: dict[str, Client] = {
            "token": Client(headers={"Authorization": f"Bearer {secret}"})
        }
        sessions: dict[str, str] = {}
        for who, user in (("hr", people.hr), ("manager", people.manager), ("carer", people.carer)):
            client = Client()
            client.force_login(user)
            clients[who] = client
            sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
        pages = {
            "passport (carer)": ("carer", f"/o/{slug}/passports/{people.carer_passport.pk}/"),
            "team passports (manager)": ("manager", f"/o/{slug}/team/passports/"),
            "home (HR)": ("hr", f"/o/{slug}/"),
            "staff list (HR)": ("hr", f"/o/{slug}/staff/"),
            "staff search (HR)": ("hr", f"/o/{slug}/staff/?q=black"),  # a surname stem
            "API staff list": ("token", "/api/v1/staff"),
        }
        queries: dict[str, int] = {}
        for name, (who, path) in pages.items():
            clients[who].get(path)  # the first request of a session does extra work
            with CaptureQueriesContext(connection) as captured:
                response = clients[who].get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code} for {who}")
            queries[name] = len(captured)
        self.stdout.write(
            json.dumps(
                {
                    "staff": scale_data_present(),
                    "organisation": slug,
                    "organisation_staff": people.organisation.staff_records.count(),
                    "sessions": sessions,
                    "token": secret,
                    "pages": {
                        name: {"as": who, "path": path} for name, (who, path) in pages.items()
                    },
                    "queries": queries,
                }
            )
        )
