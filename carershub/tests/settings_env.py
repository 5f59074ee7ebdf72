"""The settings module run afresh on given variables, in this process, for settings tests.

Quicker than starting a process for each case (``test_settings_and_health.run_python``), and
the same code: ``carershub/settings.py`` read from the variables given, and only them among
those it reads (anything else it reads keeps the test process's value). Django's own
settings are untouched.
"""

from __future__ import annotations

import os
import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import carershub

SETTINGS_FILE = Path(carershub.__file__).parent / "settings.py"
#: Variables of the test process that would otherwise change what the settings build.
SCRUBBED = ("DJANGO_", "DATABASE_URL", "DEBUG", "SECRET_KEY", "STORAGE_")


@contextmanager
def environment(**env: str) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key in [key for key in os.environ if key.startswith(SCRUBBED)]:
            del os.environ[key]
        os.environ.update(env)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def settings_built(**env: str) -> dict[str, Any]:
    """Every setting as ``carershub/settings.py`` makes it from ``env``; raises its ConfigError."""
    with environment(**env):
        return runpy.run_path(str(SETTINGS_FILE), run_name="carershub.settings_under_test")
