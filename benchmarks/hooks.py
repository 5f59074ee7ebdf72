"""What benchmarks adds to hook points below it: the home card (``organisations.hooks``), and
the field that names evidence's stored files (``shared.backups``).

Registered in ``BenchmarksConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from benchmarks.models import EvidenceFile
from organisations.hooks import HomeCard, HomeViewer

#: After the commitment (40).
HOME_CARD_ORDER = 50


def home_cards(*, viewer: HomeViewer) -> list[HomeCard]:
    """For those who read the benchmark position but do not run it (the executive sponsor and
    the carer champion); HR find it in their own section of the page."""
    user, organisation = viewer.user, viewer.organisation
    if not user.has_perm("benchmarks.view_assessments", organisation) or user.has_perm(
        "benchmarks.run_assessments", organisation
    ):
        return []
    return [HomeCard(order=HOME_CARD_ORDER, template="benchmarks/_home_card.html")]


def stored_name_fields() -> list[models.Field[Any, Any]]:
    """Evidence is stored under a random name kept in a ``CharField``, not a ``FileField``."""
    return [EvidenceFile._meta.get_field("stored_name")]
