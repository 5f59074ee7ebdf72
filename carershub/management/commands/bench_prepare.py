"""For ``make bench``: load the scale data if missing, sign the bench people in, count queries.

Then takes every organisation's figures for the month as the monthly task does (timed), so
the insight pages read a month that exists, and profiles one request of each key page: where
its milliseconds go (database, templates, the rest) and its busiest functions.

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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.template.base import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import api_token_create
from audit.models import Channel
from benchmarks.frameworks import frameworks
from benchmarks.models import Assessment
from benchmarks.services import assessment_start
from carershub.scale_data import bench_people, generate_scale_data, scale_data_present
from insights.models import Snapshot
from insights.services import month_of, take_all_snapshots
from organisations.models import Organisation

#: The insight pages (reported against their own bars).
INSIGHT_PAGES = ("insight figures (HR)", "insight partnership (lead)")
#: The two signed-in floors (bench/urls.py), split and profiled beside the key pages: what
#: being signed in costs, and what the layout adds to it.
FLOORS = {
    "floor (signed in)": ("hr", "/bench/floor/signed-in"),
    "floor (session, no layout)": ("hr", "/bench/floor/session"),
}
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


class _Timings:
    """Where one request's milliseconds go, measured in-process: waiting on the database
    (every query, through Django's execute wrapper), rendering templates (the outermost
    render only, so nested includes are not counted twice, less any query run inside it:
    context processors and lazy querysets run there) and the rest (middleware, views,
    building queries, Python)."""

    def __init__(self) -> None:
        self.sql = 0.0
        self.queries = 0
        self.render = 0.0
        self._depth = 0

    def execute(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - started
            self.queries += 1

    @contextmanager
    def rendering(self) -> Iterator[None]:
        original = Template.render

        def render(template: Template, context: Any) -> Any:
            self._depth += 1
            started = time.perf_counter()
            sql_before = self.sql
            try:
                return original(template, context)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    waited = self.sql - sql_before  # counted as database, not rendering
                    self.render += time.perf_counter() - started - waited

        Template.render = render  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            Template.render = original  # type: ignore[method-assign]


def timings(client: Client, path: str, *, repeat: int = 7) -> dict[str, float]:
    """The median request of ``repeat`` after a warm-up, split into database, templates and
    the rest. SQL run while rendering (a context processor's, a lazy queryset's) counts as
    database, not rendering."""
    client.get(path)
    runs = []
    for _ in range(repeat):
        measured = _Timings()
        with connection.execute_wrapper(measured.execute), measured.rendering():
            started = time.perf_counter()
            response = client.get(path)
            total = time.perf_counter() - started
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
        runs.append((total, measured))
    total, measured = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    return {
        "total_ms": round(1000 * total, 2),
        "sql_ms": round(1000 * measured.sql, 2),
        "queries": measured.queries,
        "render_ms": round(1000 * measured.render, 2),
        "other_ms": round(1000 * (total - measured.sql - measured.render), 2),
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
        assessment = Assessment.objects.filter(organisation=people.organisation).first()
        if assessment is None:
            # The framework with the most criteria: the heaviest assessment page there is.
            framework = max(frameworks().values(), key=lambda f: (len(f.criteria), f.slug))
            assessment = assessment_start(
                organisation=people.organisation,
                framework_slug=framework.slug,
                by=people.hr,
                channel=Channel.COMMAND,
            )
        pages = {
            "passport (carer)": ("carer", f"/o/{slug}/passports/{people.carer_passport.pk}/"),
            "leave (carer)": ("carer", f"/o/{slug}/leave/"),
            "team passports (manager)": ("manager", f"/o/{slug}/team/passports/"),
            "home (HR)": ("hr", f"/o/{slug}/"),
            "staff list (HR)": ("hr", f"/o/{slug}/staff/"),
            "staff search (HR)": ("hr", f"/o/{slug}/staff/?q=black"),  # a surname stem
            "API staff list": ("token", "/api/v1/staff"),
            "flexible working (HR)": ("hr", f"/o/{slug}/flexible/all/"),
            "assessment (HR)": ("hr", f"/o/{slug}/benchmarks/{assessment.pk}/"),
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
        # Every key page and the floors: where one request's milliseconds go, and its busiest
        # functions. The floors' URLs exist only under bench.settings.
        measured = {**FLOORS, **pages} if settings.ROOT_URLCONF == "bench.urls" else pages
        split = {name: timings(clients[who], path) for name, (who, path) in measured.items()}
        profiles = {name: profile(clients[who], path) for name, (who, path) in measured.items()}
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
                    "timings": split,
                }
            )
        )
