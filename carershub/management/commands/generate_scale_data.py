"""Build synthetic national-size data for benchmarks: ``generate_scale_data --staff N``."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carershub.scale_data import generate_scale_data, scale_data_present


class Command(BaseCommand):
    help = "Create synthetic organisations, staff, carers and passports for `make bench`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, default=2000)
        parser.add_argument("--organisations", type=int, default=None)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DJANGO_ENV == "production":
            raise CommandError("Synthetic data is never loaded into production.")
        staff = options["staff"]
        if staff < 10:
            raise CommandError("--staff must be at least 10")
        organisations = options["organisations"] or max(1, min(209, staff // 7000 or 1))
        present = scale_data_present()
        if present:
            raise CommandError(f"Scale data with {present} staff is already loaded.")
        started = time.monotonic()
        report = generate_scale_data(staff=staff, organisations=organisations, seed=options["seed"])
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{report.staff} staff in {report.organisations} organisations and {report.units} units, "
            f"{report.carers} carers {report.passports_by_state}, management chains "
            f"{report.min_chain_depth}-{report.max_chain_depth} levels, "
            f"{report.audit_events} audit events, in {seconds:.1f} s"
        )
