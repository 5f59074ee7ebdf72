from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/settings/", views.account_settings, name="settings"),
    path("accounts/settings/language/", views.language_settings, name="language_settings"),
    path("language/", views.language_switch, name="language"),
]
