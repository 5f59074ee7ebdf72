from django.urls import path

from accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("settings/", views.account_settings, name="account_settings"),
]
