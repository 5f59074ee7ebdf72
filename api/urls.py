"""The pages for API tokens; the API itself is mounted by the site (``carershub.api``)."""

from django.urls import include, path

from api import views

app_name = "api"

pages = [
    path("api-tokens/", views.token_list, name="token_list"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-api-tokens/", views.personal_tokens, name="personal_tokens"),
    path(
        "my-api-tokens/<int:pk>/revoke/",
        views.personal_token_revoke,
        name="personal_token_revoke",
    ),
]

urlpatterns = [path("o/<slug:org_slug>/", include(pages))]
