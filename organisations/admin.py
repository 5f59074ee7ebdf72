from typing import Any

from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import Channel
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    SignOn,
    StaffRecord,
    Unit,
)
from organisations.services import membership_grant, membership_revoke, partnership_lead_appoint
from organisations.sign_on.forms import email_domains, issuer_address
from organisations.sign_on.selectors import unproven_domains
from organisations.sign_on.services import SignOnSettings, sign_on_save
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


class SignOnAdminForm(AdminModelForm):
    """The deployment admin's view of an organisation's provider: the same checks and the same
    audited service as HR's page, and the secret never shown back."""

    server_url = forms.CharField(label=_("Issuer address"), max_length=500)
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved secret."),
    )
    domains = forms.CharField(label=_("Email domains"), max_length=500, required=False)

    class Meta:
        model = SignOn
        fields = ["organisation", "required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            app = self.instance.app
            self.initial.update(
                server_url=app.settings.get("server_url", ""),
                client_id=app.client_id,
                domains=" ".join(self.instance.domains),
            )

    def clean_server_url(self) -> str:
        return issuer_address(self.cleaned_data["server_url"])

    def clean_domains(self) -> tuple[str, ...]:
        return email_domains(self.cleaned_data["domains"])

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        organisation = self.cleaned_data.get("organisation") or getattr(
            self.instance, "organisation", None
        )
        domains = self.cleaned_data.get("domains") or ()
        if organisation is not None and domains:
            unproven = unproven_domains(organisation=organisation, domains=domains)
            if unproven:
                self.add_error(
                    "domains",
                    _("No current member has an account address at %(domains)s.")
                    % {"domains": ", ".join(unproven)},
                )
        return cleaned

    def clean_client_secret(self) -> str:
        secret: str = self.cleaned_data["client_secret"]
        if not secret and not self.instance.pk:
            raise ValidationError(_("Enter the client secret"))
        return secret


@admin.register(SignOn)
class SignOnAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Organisations' single sign-on providers, changed through ``sign_on_save`` (audited).

    allauth's own ``SocialApp`` admin is taken away: it shows each secret in full."""

    form = SignOnAdminForm
    list_display = ["organisation", "required", "updated_at"]
    list_filter = ["required"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organisation"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: SignOn, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved, _changed = sign_on_save(
            organisation=obj.organisation,
            settings=SignOnSettings(
                server_url=data["server_url"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                email_domains=data["domains"],
                required=data["required"],
            ),
            by=request.user,  # type: ignore[arg-type]
            channel=Channel.WEB,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _model in (SocialApp, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
