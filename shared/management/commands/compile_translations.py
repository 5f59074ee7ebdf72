"""Compile every ``locale/*/LC_MESSAGES/django.po`` into the ``.mo`` file Django reads.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine may
not have (``make run`` asks only for Python); polib writes the same files in pure Python.
The ``.mo`` files are build output: made by ``make run`` / ``make test`` and by each release
(docs/deploy.md), never committed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_translations(*, only_if_stale: bool = False) -> list[Path]:
    """Write each catalogue's ``.mo`` beside its ``.po``; the files written."""
    written = []
    for folder in settings.LOCALE_PATHS:
        for source in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
            target = source.with_suffix(".mo")
            if (
                only_if_stale
                and target.exists()
                and target.stat().st_mtime >= source.stat().st_mtime
            ):
                continue
            # polib writes translated entries only: a fuzzy one (a guess nobody checked) is
            # left out, as gettext's msgfmt leaves it out.
            catalogue = polib.pofile(str(source))
            # Written aside under a name of this process's own, then moved into place: a
            # server reading it, or another test process compiling it, never sees half a file.
            partial = target.with_suffix(f".mo.{os.getpid()}.partial")
            catalogue.save_as_mofile(str(partial))
            partial.replace(target)
            written.append(target)
    return written


class Command(BaseCommand):
    help = "Compile the translations (locale/*/LC_MESSAGES/*.po) into the .mo files Django reads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-stale", action="store_true", help="Only catalogues changed since compiled."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for target in compile_translations(only_if_stale=options["if_stale"]):
            self.stdout.write(f"Compiled {target.relative_to(settings.BASE_DIR)}")
