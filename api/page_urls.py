from django.urls import path

from api import views

urlpatterns = [
    path("api-tokens/", views.token_list, name="token_list"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
