"""Forms of communications. The rules are the services' (``communications.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communications.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, Article
from communications.services import ArticleDetails
from shared.forms import GovukForm, OnceForm, PageVersion


class ArticleForm(GovukForm):
    """An article's words. The page writes its own buttons (Preview and Save), so the form
    lays out only its fields."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("A sentence or two, shown in the list of articles."),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Article"),
        help_text=_(
            "Leave a blank line between paragraphs. You can use ## for a heading, - for a "
            "list, **bold** and [words](https://…) for a link. Tell a colleague's story only "
            "with their agreement, and say nothing about the health of the person they care "
            "for."
        ),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []

    def details(self) -> ArticleDetails:
        data = self.cleaned_data
        return ArticleDetails(title=data["title"], summary=data["summary"], body=data["body"])


class ArticleNewForm(OnceForm, ArticleForm):
    """Writing an article: sent twice, it is saved once."""


class ArticleEditForm(PageVersion, ArticleForm):
    redo = _("make your change")

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "version": article.version,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
        }
