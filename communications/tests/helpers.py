"""Small builders for communications' tests."""

from __future__ import annotations

from typing import Any

from communications.models import Article
from communications.services import ArticleDetails, article_create, article_publish


def details(**changes: Any) -> ArticleDetails:
    values = {
        "title": "Juggling shifts and caring",
        "summary": "How a ward sister arranged her rota around her father's appointments.",
        "body": "She talked to her manager.\n\n## What helped\n\n- A fixed early shift",
        **changes,
    }
    return ArticleDetails(**values)


def draft(world: Any, **changes: Any) -> Article:
    return article_create(organisation=world.org, user=world.hr_admin, details=details(**changes))


def published(world: Any, **changes: Any) -> Article:
    article = draft(world, **changes)
    article_publish(article=article, user=world.hr_admin, expected_version=article.version)
    article.refresh_from_db()
    return article
