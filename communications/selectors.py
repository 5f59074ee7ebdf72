"""Reads of communications: the news staff read, HR's list of articles, one article, and the
awareness-day prompts for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet
from django.http import Http404

from accounts.models import User
from communications.awareness import Campaign, Occurrence, Suggestion, occurrence, prompts_on
from communications.models import Article
from communications.rules import MANAGE_ARTICLES, SEE_PROMPTS
from organisations.models import Organisation
from plans.public import may_change_org_plans, suggestions_in_plans

#: Articles on one page of the news.
NEWS_PAGE_SIZE = 10
#: Years an awareness day's page may be opened for, around today's.
YEARS_AROUND = 1


def published_articles(*, organisation: Organisation) -> QuerySet[Article]:
    """What staff read: the organisation's published articles, newest first."""
    return Article.objects.filter(organisation=organisation, published_at__isnull=False).order_by(
        "-published_at", "-id"
    )


def all_articles(*, organisation: Organisation) -> QuerySet[Article]:
    """Every article, drafts first, then the newest published: HR's list."""
    return Article.objects.filter(organisation=organisation).order_by(
        F("published_at").desc(nulls_first=True), "-id"
    )


def access_article(*, viewer: User, organisation: Organisation, pk: int) -> Article:
    """One article of ``organisation``: a draft only for those who write articles, otherwise
    a 404 (another organisation's too), so whether it exists is not revealed."""
    articles = (
        all_articles(organisation=organisation)
        if viewer.has_perm(MANAGE_ARTICLES, organisation)
        else published_articles(organisation=organisation)
    )
    found = articles.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_published_article(*, organisation: Organisation, pk: int) -> Article:
    """One published article of ``organisation`` (for the API, which never sends drafts)."""
    found = published_articles(organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: Suggestion
    in_plan: bool


@dataclass(frozen=True)
class Prompt:
    occurrence: Occurrence
    rows: list[SuggestionRow]
    #: Whether the reader may add the suggestions to the plan (else no button shows).
    can_add: bool


def prompt_for(
    *, viewer: User, organisation: Organisation, found: Occurrence, today: date
) -> Prompt:
    """One awareness day with which of its suggestions are in the plan already (one query).
    Once the day is over its suggestions are only read: added then, they would be overdue."""
    refs = {found.ref(s): s for s in found.suggestions}
    held = suggestions_in_plans(organisation=organisation, refs=refs.keys())
    return Prompt(
        occurrence=found,
        rows=[SuggestionRow(s, ref in held) for ref, s in refs.items()],
        can_add=found.ends >= today
        and may_change_org_plans(user=viewer, organisation=organisation),
    )


def prompts_for(*, viewer: User, organisation: Organisation, today: date) -> list[Occurrence]:
    """The awareness days prompted today, for HR, organisation admins and champions in post;
    nobody else is prompted. Reads nothing from the database beyond the reader's roles."""
    if not viewer.has_perm(SEE_PROMPTS, organisation):
        return []
    return prompts_on(today)


def access_occurrence(*, campaign: str, year: int, today: date) -> Occurrence:
    """An awareness day's page: a known campaign, in the year around today's; else a 404."""
    try:
        known = Campaign(campaign)
    except ValueError:
        raise Http404 from None
    if abs(year - today.year) > YEARS_AROUND:
        raise Http404
    return occurrence(known, year)


def access_suggestion(*, found: Occurrence, key: str) -> Suggestion:
    for suggestion in found.suggestions:
        if suggestion.key == key:
            return suggestion
    raise Http404
