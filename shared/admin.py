from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shared.models import OutboundEmail
from shared.outbox import outbox_requeue


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What went, what waits and what failed, without who to or what it said.

    An email's kind and its recipient together could say who is a carer (a passport review
    reminder), so the admin shows the kind and never the recipient, subject or text. Failed
    emails can be sent again once the mail server is fixed.
    """

    list_display = (
        "id",
        "template",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "due_at",
        "finished_at",
    )
    list_filter = ["status", "template"]
    fields = readonly_fields = (
        "id",
        "template",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "due_at",
        "finished_at",
    )
    ordering = ["-created_at"]
    show_full_result_count = False
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed emails again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        count = outbox_requeue(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed email queued again.",
                "%(count)d failed emails queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
