"""Pages of communications: the news staff read, HR's articles (write, preview, publish,
unpublish) and an awareness day's suggested actions.

Thin views: the rules are ``communications.services``'s and ``communications.rules``'s; who
may read an article is ``communications.selectors.access_article``'s.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from communications.forms import ArticleEditForm, ArticleForm, ArticleNewForm
from communications.models import Article
from communications.rules import MANAGE_ARTICLES, READ_NEWS, SEE_PROMPTS
from communications.selectors import (
    NEWS_PAGE_SIZE,
    access_article,
    access_occurrence,
    access_suggestion,
    all_articles,
    prompt_for,
    published_articles,
)
from communications.services import (
    article_create,
    article_publish,
    article_unpublish,
    article_update,
    suggestion_add,
)
from organisations.access import org_view
from organisations.types import OrgRequest
from shared.forms import attempt, posted_version
from shared.markdown import render_text
from shared.once import one_submission
from shared.paging import countless_page
from shared.writes import RuleError


@require_safe
@org_view(READ_NEWS)
def news(request: OrgRequest) -> HttpResponse:
    """Published articles, newest first, a page at a time."""
    page = countless_page(
        published_articles(organisation=request.organisation),
        number=request.GET.get("page"),
        size=NEWS_PAGE_SIZE,
    )
    return render(
        request,
        "communications/news.html",
        {
            "organisation": request.organisation,
            "page": page,
            "manages": request.user.has_perm(MANAGE_ARTICLES, request.organisation),
        },
    )


@require_safe
@org_view(READ_NEWS)
def article(request: OrgRequest, pk: int) -> HttpResponse:
    found = access_article(viewer=request.user, organisation=request.organisation, pk=pk)
    return render(
        request,
        "communications/article.html",
        {
            "organisation": request.organisation,
            "article": found,
            "body": render_text(found.body),
            "manages": request.user.has_perm(MANAGE_ARTICLES, request.organisation),
        },
    )


@require_safe
@org_view(MANAGE_ARTICLES)
def manage(request: OrgRequest) -> HttpResponse:
    """Every article, drafts first."""
    page = countless_page(
        all_articles(organisation=request.organisation),
        number=request.GET.get("page"),
        size=NEWS_PAGE_SIZE * 2,
    )
    return render(
        request, "communications/manage.html", {"organisation": request.organisation, "page": page}
    )


def _preview_or_save(
    request: OrgRequest, form: ArticleForm, save: Callable[[], object]
) -> tuple[SafeString | None, bool]:
    """ "Preview" shows the article as staff will read it and saves nothing; otherwise save.
    Returns the preview, and whether the save went through."""
    if not form.is_valid():
        return None, False
    if "preview" in request.POST:
        return render_text(form.cleaned_data["body"]), False
    attempt(form, save)
    return None, not form.errors


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(MANAGE_ARTICLES)
@one_submission
def article_new(request: OrgRequest) -> HttpResponse:
    form = ArticleNewForm(request.POST if request.method == "POST" else None)
    preview: SafeString | None = None
    if request.method == "POST":
        made: list[Article] = []

        def save() -> None:
            made.append(
                article_create(
                    organisation=request.organisation, user=request.user, details=form.details()
                )
            )

        preview, saved = _preview_or_save(request, form, save)
        if saved:
            messages.success(request, _("The article is saved as a draft. Publish it when ready."))
            return redirect("communications:article", request.organisation.slug, made[0].pk)
    return render(
        request,
        "communications/article_form.html",
        {"organisation": request.organisation, "form": form, "preview": preview, "article": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(MANAGE_ARTICLES)
def article_edit(request: OrgRequest, pk: int) -> HttpResponse:
    found = access_article(viewer=request.user, organisation=request.organisation, pk=pk)
    preview: SafeString | None = None
    if request.method == "POST":
        form = ArticleEditForm(request.POST)

        def save() -> None:
            article_update(
                article=found,
                user=request.user,
                details=form.details(),
                expected_version=form.cleaned_data["version"],
            )

        preview, saved = _preview_or_save(request, form, save)
        if saved:
            return redirect("communications:article", request.organisation.slug, found.pk)
    else:
        form = ArticleEditForm(initial=ArticleEditForm.initial_for(found))
    return render(
        request,
        "communications/article_form.html",
        {"organisation": request.organisation, "form": form, "preview": preview, "article": found},
    )


def _bare_button(
    request: OrgRequest, pk: int, write: Callable[..., bool], done: str
) -> HttpResponse:
    """Publish or unpublish: a button with the page version; a refusal becomes a message."""
    found = access_article(viewer=request.user, organisation=request.organisation, pk=pk)
    try:
        changed = write(article=found, user=request.user, expected_version=posted_version(request))
    except RuleError as refusal:
        messages.error(request, refusal.message)
    else:
        if changed:
            messages.success(request, done)
    return redirect("communications:article", request.organisation.slug, found.pk)


@require_POST
@org_view(MANAGE_ARTICLES)
def article_publish_view(request: OrgRequest, pk: int) -> HttpResponse:
    return _bare_button(request, pk, article_publish, _("The article is published for staff."))


@require_POST
@org_view(MANAGE_ARTICLES)
def article_unpublish_view(request: OrgRequest, pk: int) -> HttpResponse:
    return _bare_button(
        request, pk, article_unpublish, _("The article is a draft again: staff no longer see it.")
    )


@require_safe
@org_view(SEE_PROMPTS)
def awareness_day(request: OrgRequest, campaign: str, year: int) -> HttpResponse:
    """An awareness day, its dates and the actions we suggest, each with whether it is in the
    plan already."""
    found = access_occurrence(campaign=campaign, year=year, today=timezone.localdate())
    prompt = prompt_for(
        viewer=request.user,
        organisation=request.organisation,
        found=found,
        today=timezone.localdate(),
    )
    return render(
        request,
        "communications/awareness_day.html",
        {"organisation": request.organisation, "prompt": prompt, "occurrence": found},
    )


@require_POST
@org_view(SEE_PROMPTS)
def suggestion_add_view(request: OrgRequest, campaign: str, year: int, key: str) -> HttpResponse:
    """Put one suggestion into the plan (HR and organisation admins: plans refuses anyone
    else). Sent twice, it is added once: plans finds it there the second time."""
    found = access_occurrence(campaign=campaign, year=year, today=timezone.localdate())
    suggestion = access_suggestion(found=found, key=key)
    try:
        added = suggestion_add(
            organisation=request.organisation,
            user=request.user,
            occurrence=found,
            suggestion=suggestion,
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(request, refusal.message)
        return redirect("communications:awareness_day", request.organisation.slug, campaign, year)
    if added.added:
        messages.success(
            request,
            _("Added to your action plan “%(plan)s”.") % {"plan": added.plan.title},
        )
    else:
        messages.info(
            request,
            _("That is already in your action plan “%(plan)s”.") % {"plan": added.plan.title},
        )
    return redirect("communications:awareness_day", request.organisation.slug, campaign, year)
