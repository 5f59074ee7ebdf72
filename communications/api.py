"""Published articles for integrations and apps (docs/communications.md): an intranet can show
the organisation's news for staff. Read only; drafts are never sent.

Any member in post may read them with a token for their organisation, an organisation token
or a personal one: the same articles the news page shows.
"""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem
from communications.rules import READ_NEWS
from communications.selectors import access_published_article, published_articles
from organisations.types import OrgRequest

router = Router(tags=["communications"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

#: Any member in post, with an organisation token or a personal one.
MEMBER = BearerToken(READ_NEWS, personal=None)


class ArticleOut(Schema):
    id: int
    title: str
    summary: str
    body: str = Field(
        description=(
            "Markdown (CommonMark) as HR typed it. Render it with raw HTML, images and links "
            "other than http and https turned off, as the pages do: it is not sanitised here."
        )
    )
    published_at: datetime


@router.get("/articles", auth=MEMBER, response={200: list[ArticleOut], **ERRORS})
@paginate(Pages, page_size=20, max_page_size=100)
def list_articles(request: OrgRequest) -> Any:
    """The organisation's published articles, newest first."""
    return published_articles(organisation=request.organisation)


@router.get("/articles/{article_id}", auth=MEMBER, response={200: ArticleOut, **ERRORS})
def get_article(request: OrgRequest, article_id: int) -> Any:
    """One published article; a draft, or another organisation's, is a 404."""
    return access_published_article(organisation=request.organisation, pk=article_id)
