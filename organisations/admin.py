from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import Channel
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    StaffRecord,
    Unit,
)
from organisations.services import partnership_lead_appoint


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "nation", "sector", "size_band", "partnership"]
    list_filter = ["nation", "sector", "partnership"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "organisation", "parent"]
    list_filter = ["organisation"]
    raw_id_fields = ["parent"]


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["staff_number", "first_name", "last_name", "organisation", "status"]
    list_filter = ["organisation", "status"]
    search_fields = ["staff_number", "last_name", "work_email"]
    raw_id_fields = ["unit", "line_manager", "user"]
    show_full_result_count = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["user"]


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
