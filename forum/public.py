"""What other feature apps may use from the forum; nothing else in the app is theirs.

Benchmarks' live evidence asks whether the organisation shares what it has learned with
other employers: how many case studies it has published in its partnership's forum, never
which. An anonymised one counts too: the count is shown only to the organisation itself.
"""

from __future__ import annotations

from datetime import datetime

from forum.models import CaseStudy
from organisations.models import Organisation


def case_studies_shared(*, organisation: Organisation, since: datetime, until: datetime) -> int:
    """Case studies the organisation published in its current partnership's forum between
    ``since`` and ``until`` and has not withdrawn: one query. None outside a partnership."""
    if organisation.partnership_id is None:
        return 0
    return CaseStudy.objects.filter(
        organisation=organisation,
        partnership_id=organisation.partnership_id,
        withdrawn_at__isnull=True,
        created_at__gte=since,
        created_at__lt=until,
    ).count()
