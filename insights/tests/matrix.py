"""Insight in the permission matrix (carershub/tests/test_permission_matrix.py).

The figures are HR's, the organisation admin's and the executive sponsor's: counts only, made
safe to show, yet not for every member. Someone who has left sees none. The partnership's
added-up figures are its lead's alone. The API reads with an organisation token of someone
who may read the figures.
"""

from __future__ import annotations

from typing import Any

from carershub.tests.matrix_kit import ANON, EVERYONE, Spec, Targets, api, page

FIGURES = ("hr_admin", "org_admin", "sponsor")


def export(kind: str):
    def kwargs(t: Targets) -> dict[str, Any]:
        return {"org_slug": t.org.slug, "kind": kind}

    return kwargs


MATRIX: dict[str, Spec] = {
    "insights:figures": page(FIGURES),
    "insights:export": page(FIGURES, kwargs=export("csv")),
    "insights:board_report": page(FIGURES),
    "insights:business_case": page(FIGURES),
    "insights:partnership": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": 200},
        lambda t: {"slug": t.partnership.slug},
    ),
    "api-v1:get_figures": api("GET", FIGURES, 200),
    "api-v1:list_figures_by_unit": api("GET", FIGURES, 200),
    "api-v1:list_figures_by_site": api("GET", FIGURES, 200),
    "api-v1:list_figures_by_hours": api("GET", FIGURES, 200),
    "api-v1:list_figures_by_month": api("GET", FIGURES, 200),
}
