from django.urls import path

from api import views

urlpatterns = [
    path("api-tokens/", views.token_list, name="token_list"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-api-tokens/", views.personal_tokens, name="personal_tokens"),
    path(
        "my-api-tokens/<int:pk>/revoke/",
        views.personal_token_revoke,
        name="personal_token_revoke",
    ),
]
