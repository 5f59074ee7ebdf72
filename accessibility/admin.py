"""The accessibility statement in the Django admin, written through the service so that each
change is checked and audited like the product's own pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from accessibility.models import AccessibilityStatement, KnownProblem
from accessibility.services import (
    ProblemValues,
    StatementValues,
    field_refusals,
    problems_refusal,
    statement_save,
)
from audit.models import Channel
from shared.forms import AdminModelForm

_VALUE_FIELDS = [name for name in StatementValues.__dataclass_fields__ if name != "problems"]


class StatementForm(AdminModelForm):
    # The version the admin opened, so that a second admin's save is not silently overwritten.
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = AccessibilityStatement
        fields = _VALUE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def values(self, problems: tuple[ProblemValues, ...] = ()) -> StatementValues:
        data = {name: self.cleaned_data[name] for name in _VALUE_FIELDS}
        return StatementValues(**data, problems=problems)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.errors:
            return cleaned
        if self.instance.pk:
            current = (
                AccessibilityStatement.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("seen_version") != current:
                raise forms.ValidationError(
                    "Someone else saved the statement after you opened it. Reload the page "
                    "to see their changes, then make yours again."
                )
        for refusal in field_refusals(self.values(), today=timezone.localdate()):
            self.add_error(refusal.field, refusal.message)
        return cleaned


class ProblemForm(AdminModelForm):
    class Meta:
        model = KnownProblem
        fields = ["description", "description_cy", "criterion"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_cy": forms.Textarea(attrs={"rows": 3}),
        }


def kept_problems(formset: BaseInlineFormSet) -> tuple[ProblemValues, ...]:  # type: ignore[type-arg]
    """The rows the admin left filled in and not marked for deletion, in order."""
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("description"):
            continue
        kept.append(
            ProblemValues(
                description=data["description"],
                description_cy=data.get("description_cy", ""),
                criterion=data.get("criterion", ""),
            )
        )
    return tuple(kept)


class ProblemFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        refusal = problems_refusal(
            compliance=self.instance.compliance, count=len(kept_problems(self))
        )
        if refusal is not None:
            raise forms.ValidationError(refusal.message)


class ProblemInline(admin.StackedInline):  # type: ignore[type-arg]
    model = KnownProblem
    form = ProblemForm
    formset = ProblemFormSet
    extra = 1
    verbose_name = "known problem"


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = StatementForm
    inlines = [ProblemInline]
    fieldsets = (
        (
            "The service",
            {"fields": ("service_name", "service_name_cy", "operator_name", "operator_name_cy")},
        ),
        ("Contact", {"fields": ("contact_email", "contact_phone", "response_days", "nation")}),
        ("Compliance", {"fields": ("compliance", "improvements", "improvements_cy")}),
        (
            "Preparation",
            {"fields": ("prepared_on", "reviewed_on", "tested_on", "tested_by", "tested_by_cy")},
        ),
        (None, {"fields": ("seen_version",)}),
    )

    # Deployment admins only (the service refuses anyone else): Django admin staff given the
    # model's permissions would otherwise reach a form whose save the service refuses.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and not AccessibilityStatement.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the statement is kept up to date, never taken down

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # written with its problems in save_related, in one service call

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        problems = kept_problems(formsets[0]) if formsets else ()
        saved = statement_save(
            values=form.values(problems),
            by=request.user,  # type: ignore[arg-type]
            expected_version=form.cleaned_data.get("seen_version") if change else None,
            channel=Channel.WEB,
        )
        form.instance.pk = saved.pk
        for formset in formsets:
            # The admin's history message reads these; the service wrote the rows.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
