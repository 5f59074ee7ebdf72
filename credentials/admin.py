"""Read-only views for the deployment admin. Keys change only through the services (audited),
and the encrypted private key is never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from credentials.models import SigningKey, TrustedIssuer


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(_ReadOnly):
    list_display = ["kid", "organisation", "created_at", "retired_at", "revoked_at"]
    list_filter = ["organisation"]
    search_fields = ["kid"]
    exclude = ["private_jwk_encrypted"]


@admin.register(TrustedIssuer)
class TrustedIssuerAdmin(_ReadOnly):
    list_display = ["name", "organisation", "jwks_url", "issuer", "fetched_at"]
    list_filter = ["organisation"]
