"""For ``make bench``: load the scale data if missing, sign the bench people in, count queries.

Then takes every organisation's figures for the month as the monthly task does (timed), so
the insight pages read a month that exists, and profiles one request of each insight page.

Prints one JSON object: the pages to load, a session cookie or API token for each, how
many database queries each page makes (measured here, in-process), the snapshot timing and
the profiles.
"""

from __future__ import annotations

import cProfile
import io
import json
import math
import pstats
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import api_token_create
from audit.models import Channel
from carershub.scale_data import bench_people, generate_scale_data, scale_data_present
from insights.models import Snapshot
from insights.services import month_of, take_all_snapshots
from organisations.models import Organisation

#: The insight pages, profiled one request each after the query counts.
INSIGHT_PAGES = ("insight figures (HR)", "insight partnership (lead)")
PROFILE_LINES = 25
#: Functions of the project, not of the libraries or of Python.
PROJECT_CODE = r"^(?!.*(site-packages|/lib/python|<)).*"


def snapshots_taken() -> dict[str, Any]:
    """Take this month's figures for every organisation afresh, as the monthly task does, and
    time it: this month's are removed first, so a reused data set is timed the same way."""
    Snapshot.objects.filter(month=month_of(timezone.localdate())).delete()
    started = time.monotonic()
    taken = take_all_snapshots()
    seconds = time.monotonic() - started
    return {
        "organisations": taken,
        "seconds": round(seconds, 2),
        "ms_per_organisation": round(1000 * seconds / max(taken, 1), 1),
    }


def profile(client: Client, path: str) -> str:
    """The busiest functions of one request, by cumulative and by own time."""
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(path)
    profiler.disable()
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # The project's own functions first (the framework's wrappers would fill the list), then
    # every function by its own time.
    stats.sort_stats("cumulative").print_stats(PROJECT_CODE, PROFILE_LINES)
    stats.strip_dirs().sort_stats("tottime").print_stats(PROFILE_LINES)
    return out.getvalue().replace(f"{settings.BASE_DIR}/", "")


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
            organisations = options["organisations"] or max(1, min(209, math.ceil(staff / 7200)))
            generate_scale_data(staff=staff, organisations=organisations)
        snapshots = snapshots_taken()
        people = bench_people(password=options["password"])
        slug = people.organisation.slug
        partnership = people.partnership
        _token, secret = api_token_create(
            user=people.hr, organisation=people.organisation, name="bench", channel=Channel.COMMAND
        )
        clients: dict[str, Client] = {
            "token": Client(headers={"Authorization": f"Bearer {secret}"})
        }
        sessions: dict[str, str] = {}
        for who, user in (
            ("hr", people.hr),
            ("manager", people.manager),
            ("carer", people.carer),
            ("lead", people.lead),
        ):
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
            INSIGHT_PAGES[0]: ("hr", f"/o/{slug}/insight/"),
            INSIGHT_PAGES[1]: ("lead", f"/p/{partnership.slug}/insight/"),
        }
        queries: dict[str, int] = {}
        for name, (who, path) in pages.items():
            clients[who].get(path)  # the first request of a session does extra work
            with CaptureQueriesContext(connection) as captured:
                response = clients[who].get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code} for {who}")
            queries[name] = len(captured)
        profiles = {
            name: profile(clients[pages[name][0]], pages[name][1]) for name in INSIGHT_PAGES
        }
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
                    "snapshots": snapshots,
                    "partnership": {
                        "slug": partnership.slug,
                        "organisations": Organisation.objects.filter(
                            partnership=partnership
                        ).count(),
                    },
                    "profiles": profiles,
                }
            )
        )
