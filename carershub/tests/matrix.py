"""The site's own pages in the permission matrix (carershub/tests/test_permission_matrix.py)."""

from __future__ import annotations

from carershub.tests.matrix_kit import ANON, EVERYONE, MEMBERS, Spec, expect

MATRIX: dict[str, Spec] = {
    # Public pages.
    "home": Spec("GET", {**dict.fromkeys(EVERYONE, 302), ANON: 200}),
    "healthz": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    # For Prometheus, not people: without METRICS_TOKEN (as in the tests) it is not there,
    # and with it only a bearer of the token gets in (carershub/tests/test_metrics.py).
    "metrics": Spec("GET", dict.fromkeys(EVERYONE, 404)),
    "accessibility": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "privacy": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "switch_organisation": Spec(
        # Someone who has left may still switch to the organisation to reach their own records.
        "POST",
        {**expect(MEMBERS, 302), "leaver": 302},
        data={"organisation": "home-org"},
    ),
}
