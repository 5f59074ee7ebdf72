"""Public, sign-in-free addresses: what remote verifiers fetch."""

from django.urls import path

from credentials import views

urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("issuers/<uuid:public_id>", views.issuer_profile, name="issuer_profile"),
]
