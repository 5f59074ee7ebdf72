from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.selectors import private_object_types


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit record is append-only."""

    list_display = ["at", "actor_label", "action", "channel", "object_type", "object_id", "summary"]
    list_filter = ["action", "channel", "object_type"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        # A carer's passport events say who is a carer; deployment admins do not see them
        # either (trust rule 1). The carer sees them on "who has seen my passport".
        return super().get_queryset(request).exclude(object_type__in=private_object_types())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
