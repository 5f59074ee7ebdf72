"""Settings for ``make bench``: the product's own, plus a bare view to measure the floor."""

from carershub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
