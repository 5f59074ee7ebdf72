"""The append-only record of who read or changed a personal record (docs/trust-rules.md, rule 5).

Rows are never updated or deleted: the model refuses it everywhere, and on PostgreSQL a
trigger refuses it at the database too (see the migration ``audit_append_only_trigger``; since
``audit_partitioned_by_month`` it is on the partitioned table and so on every month's
partition). Only whole months past the retention period leave, archived first
(``audit.archive``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted")


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    IMPORT = "import", _("Staff import")
    COMMAND = "command", _("Command line")
    SYSTEM = "system", _("System")


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # DO_NOTHING: deleting an account must not rewrite history (the label keeps the name).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Names are copied so that the record stays readable after accounts are removed.
    actor_label = models.CharField(max_length=254, blank=True)
    # No index of its own: ``audit_org_recent_idx`` leads with it and serves every lookup by
    # organisation, and one index fewer makes each audit write (one per passport read) cheaper.
    organisation_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            # The organisation's audit log page, newest first: read in index order, no sort.
            models.Index(fields=["organisation_id", "-at", "-id"], name="audit_org_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditImmutableError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted")
