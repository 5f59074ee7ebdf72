from django.urls import include, path

from credentials import views

app_name = "credentials"

pages = [
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

urlpatterns = [
    path("o/<slug:org_slug>/", include(pages)),
    # Public and sign-in free: what remote verifiers fetch.
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("issuers/<uuid:public_id>", views.issuer_profile, name="issuer_profile"),
    path("keys/<str:kid>", views.public_key, name="public_key"),
]
