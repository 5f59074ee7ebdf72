"""Articles and case studies that an organisation's HR publishes for its own staff.

An article is a draft until it is published; only published articles are read by staff (on
the news page and through the API). Unpublishing takes it back to a draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation

TITLE_MAX = 120
SUMMARY_MAX = 300
BODY_MAX = 12000


class Article(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=TITLE_MAX)
    #: A sentence or two for the list of articles.
    summary = models.CharField(max_length=SUMMARY_MAX)
    #: Markdown, shown through ``shared.markdown.render_text``.
    body = models.TextField(max_length=BODY_MAX)
    #: When it was last published; None while it is a draft.
    published_at = models.DateTimeField(null=True, blank=True)
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "-published_at", "-id"],
                condition=models.Q(published_at__isnull=False),
                name="communications_published",
            )
        ]

    def __str__(self) -> str:
        return f"Article {self.pk}"

    @property
    def published(self) -> bool:
        return self.published_at is not None
