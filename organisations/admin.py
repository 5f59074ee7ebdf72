from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from audit.models import Channel
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffRecord,
    Unit,
)
from organisations.services import membership_grant, membership_revoke, partnership_lead_appoint
from shared.forms import AdminModelForm


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AdminModelForm
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AdminModelForm
    list_display = [
        "name",
        "slug",
        "nation",
        "sector",
        "size_band",
        "partnership",
        "staff_work_bank_holidays",
    ]
    list_filter = ["nation", "sector", "partnership", "staff_work_bank_holidays"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AdminModelForm
    list_display = ["code", "name", "organisation", "parent"]
    list_filter = ["organisation"]
    raw_id_fields = ["parent"]


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only here: staff records change through HR's pages, imports or the API, which
    check line-management loops, take the organisation lock and write the audit record."""

    list_display = ["staff_number", "first_name", "last_name", "organisation", "status"]
    list_filter = ["organisation", "status", "works_bank_holidays"]
    search_fields = ["staff_number", "last_name", "work_email"]
    raw_id_fields = ["unit", "line_manager", "user"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Roles given here go through the same services as the product: audited, and a
    signed-in user given an admin role is asked for MFA on their next page."""

    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # remove a role and give another instead, so each is audited

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        created = membership_grant(
            user=obj.user,
            organisation=obj.organisation,
            role=Role(obj.role),
            by=request.user,  # type: ignore[arg-type]
            channel=Channel.WEB,
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            membership_revoke(membership=obj, by=request.user, channel=Channel.WEB)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            self.delete_model(request, membership)


@admin.register(PartnershipLead)
class PartnershipLeadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "partnership"]
    raw_id_fields = ["user"]

    def save_model(
        self, request: HttpRequest, obj: PartnershipLead, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        partnership_lead_appoint(
            user=obj.user,
            partnership=obj.partnership,
            by=request.user,  # type: ignore[arg-type]
            channel=Channel.WEB,
        )
