"""The employers' forum of a partnership: good-practice case studies, discussion threads with
replies, and the partnership's events (docs/forum.md).

Everything belongs to one partnership. Who may read or write is worked out on every request
from the reader's roles in the partnership's member organisations as they are now
(``forum.rules``): nothing here records who may see it. A case study, thread or reply keeps
the organisation it was written for, so the page can name it (or, for an anonymised case
study, not name it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation, Partnership

TITLE_MAX = 150
SUMMARY_MAX = 500
CASE_STUDY_MAX = 10_000
POST_MAX = 4000
PLACE_MAX = 200
LINK_MAX = 500
DESCRIPTION_MAX = 4000


class CaseStudy(models.Model):
    """Good practice one member organisation shares with the others."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="case_studies"
    )
    #: Whose practice it is; empty when a partnership lead wrote it for the partnership.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(max_length=SUMMARY_MAX)
    #: Plain text: paragraphs split by blank lines, shown escaped.
    body = models.TextField(max_length=CASE_STUDY_MAX)
    #: Readers see "A member organisation" and no author's name.
    anonymous = models.BooleanField(default=False)
    #: When the writer ticked that they agree to share it with the member organisations.
    consent_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: Taken back: no reader sees it again.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "case studies"
        indexes = [
            models.Index(fields=["partnership", "-created_at"], name="forum_case_studies_latest")
        ]

    def __str__(self) -> str:
        return f"Case study {self.pk}"


class Thread(models.Model):
    """A discussion started by someone in the partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    #: The organisation the starter wrote for; empty for a partnership lead.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=POST_MAX)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Closed threads take no more replies.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["partnership", "-created_at"], name="forum_threads_latest")]

    def __str__(self) -> str:
        return f"Thread {self.pk}"


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Emptied when the reply is removed: the page then says "removed".
    body = models.TextField(max_length=POST_MAX)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Reply {self.pk}"


class Event(models.Model):
    """Something the partnership's leads run for the member organisations."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=TITLE_MAX)
    starts_at = models.DateTimeField()
    #: A room and building, or empty when there is only a link.
    place = models.CharField(max_length=PLACE_MAX, blank=True)
    #: An http or https address to join or book, or empty.
    link = models.URLField(max_length=LINK_MAX, blank=True)
    description = models.TextField(max_length=DESCRIPTION_MAX)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "starts_at"], name="forum_events_by_time")]

    def __str__(self) -> str:
        return f"Event {self.pk}"
