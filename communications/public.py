"""What other feature apps may use from communications; nothing else in the app is theirs.

Benchmarks' live evidence asks how often the organisation told its staff about carers
through this service: a count of articles, never their words. Articles are not about people,
so the count is not a small number to hide.
"""

from __future__ import annotations

from datetime import datetime

from communications.models import Article
from organisations.models import Organisation


def articles_published(*, organisation: Organisation, since: datetime, until: datetime) -> int:
    """Articles for staff first published between ``since`` and ``until`` and still
    published: one query."""
    return Article.objects.filter(
        organisation=organisation, published_at__gte=since, published_at__lt=until
    ).count()
