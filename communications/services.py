"""Writes of communications: HR's articles for staff, and putting an awareness day's suggested
action into the organisation's plan.

Every write checks who may make it (the API and commands call these too), runs in a
transaction and is audited. Edits, publishing and unpublishing carry the version the person
was looking at: if someone else saved in between, nothing is written (trust rule 8). An
unchanged save writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from communications.awareness import Occurrence, Suggestion
from communications.models import Article
from communications.rules import MANAGE_ARTICLES, SEE_PROMPTS
from organisations.models import Organisation
from plans.public import (
    SuggestedAction,
    SuggestionAdded,
    may_change_org_plans,
    suggestion_into_plan,
)
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock

#: The priority of the organisation's plan that awareness-day actions go under.
PRIORITY_TITLE = gettext_lazy("Awareness days")


def _check(user: User, organisation: Organisation, permission: str) -> None:
    if not user.has_perm(permission, organisation):
        raise PermissionDenied


class ArticleConflict(EditConflict):
    def __init__(self, article: Article) -> None:
        super().__init__(
            _(
                "Someone changed this article at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: save again to use it."
            )
            % {"when": long_datetime(article.updated_at)},
            current_version=article.version,
        )


@dataclass(frozen=True)
class ArticleDetails:
    title: str
    summary: str
    body: str

    def cleaned(self) -> ArticleDetails:
        """Trimmed, or a refusal naming the first empty field."""
        details = ArticleDetails(self.title.strip(), self.summary.strip(), self.body.strip())
        if not details.title:
            raise RuleError("title_missing", _("Enter a title"), field="title")
        if not details.summary:
            raise RuleError("summary_missing", _("Enter a summary"), field="summary")
        if not details.body:
            raise RuleError("body_missing", _("Enter the article"), field="body")
        return details


def _audit(article: Article, *, by: User, action: Action, channel: Channel, summary: str) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=article,
        organisation_id=article.organisation_id,
        summary=summary,
    )


@transaction.atomic
def article_create(
    *,
    organisation: Organisation,
    user: User,
    details: ArticleDetails,
    channel: Channel = Channel.WEB,
) -> Article:
    """A new article, as a draft: staff read it once it is published."""
    _check(user, organisation, MANAGE_ARTICLES)
    clean = details.cleaned()
    article = Article.objects.create(
        organisation=organisation,
        title=clean.title,
        summary=clean.summary,
        body=clean.body,
        created_by=user,
        updated_by=user,
    )
    _audit(article, by=user, action=Action.CREATE, channel=channel, summary="Wrote an article")
    return article


def _save(article: Article, *, user: User, channel: Channel, summary: str) -> None:
    article.version += 1
    article.updated_by = user
    article.save()
    _audit(article, by=user, action=Action.UPDATE, channel=channel, summary=summary)


@transaction.atomic
def article_update(
    *,
    article: Article,
    user: User,
    details: ArticleDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Change an article's words; a published one changes for its readers at once. Unchanged,
    nothing is written."""
    _check(user, article.organisation, MANAGE_ARTICLES)
    locked = lock(Article, article.pk)
    check_version(locked.version, expected_version, lambda: ArticleConflict(locked))
    clean = details.cleaned()
    if (locked.title, locked.summary, locked.body) == (clean.title, clean.summary, clean.body):
        return False
    locked.title, locked.summary, locked.body = clean.title, clean.summary, clean.body
    _save(locked, user=user, channel=channel, summary="Changed an article")
    return True


@transaction.atomic
def article_publish(
    *,
    article: Article,
    user: User,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Publish a draft for every member in post; already published, nothing changes."""
    _check(user, article.organisation, MANAGE_ARTICLES)
    locked = lock(Article, article.pk)
    check_version(locked.version, expected_version, lambda: ArticleConflict(locked))
    if locked.published_at is not None:
        return False
    locked.published_at = timezone.now()
    _save(locked, user=user, channel=channel, summary="Published an article")
    return True


@transaction.atomic
def article_unpublish(
    *,
    article: Article,
    user: User,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Take an article back to a draft: staff no longer read it. A draft stays as it is."""
    _check(user, article.organisation, MANAGE_ARTICLES)
    locked = lock(Article, article.pk)
    check_version(locked.version, expected_version, lambda: ArticleConflict(locked))
    if locked.published_at is None:
        return False
    locked.published_at = None
    _save(locked, user=user, channel=channel, summary="Unpublished an article")
    return True


def suggestion_add(
    *,
    organisation: Organisation,
    user: User,
    occurrence: Occurrence,
    suggestion: Suggestion,
    channel: Channel = Channel.WEB,
) -> SuggestionAdded:
    """Put an awareness day's suggested action into the organisation's plan, due on the first
    day; plans checks that the person may change plans and never adds it twice."""
    _check(user, organisation, SEE_PROMPTS)
    # Who may is decided before whether it is too late, so that someone who may not add
    # (a champion) is refused the same way on every day.
    if not may_change_org_plans(user=user, organisation=organisation):
        raise PermissionDenied
    if occurrence.ends < timezone.localdate():
        raise RuleError(
            "day_over",
            _("%(name)s %(year)s is over, so its suggestions are no longer added to the plan.")
            % {"name": occurrence.name, "year": occurrence.year},
        )
    return suggestion_into_plan(
        organisation=organisation,
        suggestion=SuggestedAction(
            ref=occurrence.ref(suggestion),
            planned_action=f"{occurrence.name} {occurrence.year}: {suggestion.title}",
            what_we_will_do=str(suggestion.detail),
            priority_title=str(PRIORITY_TITLE),
            due_on=occurrence.starts,
        ),
        by=user,
        channel=channel,
    )
