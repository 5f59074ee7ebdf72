from typing import Any

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import F
from django.http import HttpRequest

from accounts.models import User
from shared.forms import TextRuleForm


class UserChangeForm(TextRuleForm, auth_forms.UserChangeForm):  # type: ignore[type-arg]
    """Names typed in the admin follow the text rule, as on the pages."""


class UserCreationForm(TextRuleForm, auth_forms.AdminUserCreationForm):  # type: ignore[type-arg]
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A new superuser is asked for MFA on their next page, even mid-session. Moved in the
        # database, not on ``obj``: the form's copy may be older than a grant made meanwhile.
        if "is_superuser" in form.changed_data and obj.is_superuser:
            User.objects.filter(pk=obj.pk).update(role_stamp=F("role_stamp") + 1)
            obj.refresh_from_db(fields=["role_stamp"])
