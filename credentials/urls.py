from django.urls import path

from credentials import views

urlpatterns = [
    path("trusted-issuers/", views.trusted_issuer_list, name="trusted_issuer_list"),
    path("trusted-issuers/add/", views.trusted_issuer_add, name="trusted_issuer_add"),
    path(
        "trusted-issuers/<int:pk>/refresh/",
        views.trusted_issuer_refresh_view,
        name="trusted_issuer_refresh",
    ),
    path(
        "trusted-issuers/<int:pk>/remove/",
        views.trusted_issuer_remove_view,
        name="trusted_issuer_remove",
    ),
    path("signing-keys/", views.signing_keys, name="signing_keys"),
    path("signing-keys/rotate/", views.signing_key_rotate, name="signing_key_rotate"),
    path("signing-keys/<int:pk>/revoke/", views.signing_key_revoke, name="signing_key_revoke"),
]
