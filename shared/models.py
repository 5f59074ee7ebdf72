from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One email, from being queued until it is sent or given up on (``shared.outbox``).

    The message lives here, not in the task queue's arguments: it survives a lost queue or
    a worker that died mid-send, can be tried again and sent again from the admin, and its
    recipients and text are wiped the moment it is sent. The row then stays, with no
    personal data, until housekeeping deletes it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: Which email it is (its template), so failures can be told apart without reading it.
    template = models.CharField(max_length=100, blank=True)
    to = models.JSONField(default=list, blank=True)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    #: (file name, text content, MIME type) triples.
    attachments = models.JSONField(default=list, blank=True)
    #: The same on every attempt, so a receiver can tell a repeat from a new email.
    message_id = models.CharField(max_length=255)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: When waiting: when to try next. When being sent: when the attempt is presumed lost.
    due_at = models.DateTimeField(default=timezone.now)
    #: The queue's id of the task making the current attempt; it also marks the claim.
    task_id = models.CharField(max_length=64, blank=True)
    #: The kind of the last failure (exception and SMTP code), never the server's words,
    #: which may quote the address.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.template or 'email'} #{self.pk} ({self.get_status_display()})"


class FormSubmission(models.Model):
    """A one-time form token that has been used (``shared.once``), so that the same form
    sent again adds nothing. Kept for a day, then deleted by the daily housekeeping."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    #: Where the form was sent, so that a row says which form it belonged to.
    path = models.CharField(max_length=255)
    #: Where the first submission sent the person; a repeat is sent there too.
    location = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"


class WorkerHeartbeat(models.Model):
    """A running task worker says it is alive (``shared.heartbeat``), every
    ``WORKER_HEARTBEAT_SECONDS``, so ``/healthz`` and ``/metrics`` can tell a worker that
    stopped or hangs from a quiet queue. In the database, which every process of a deployment
    shares whatever its cache; one small row a worker, removed when the worker stops."""

    #: The machine, the process and a random part: unique across a deployment's workers.
    name = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"{self.name} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
