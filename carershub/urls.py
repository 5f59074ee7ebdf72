"""The site's address book: its own root pages, then each app's ``urls.py`` mounted at the root.

Every app has one ``urls.py`` with ``app_name`` set to its label (flexible working, a package
of ``leave``, has its own ``flexible``) and full paths, so a URL name is always
``<app>:<name>`` and an app's addresses are all in one file (docs/architecture.md).
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from carershub import views
from carershub.api import api

# The admin signs in through allauth, so a superuser's second factor is always asked for.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
    # Before allauth's own /accounts/ addresses.
    path("", include("organisations.urls")),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("api.urls")),
    path("", include("leave.urls")),
    path("", include("leave.flexible.urls")),
    path("", include("credentials.urls")),
    path("", include("passports.urls")),
    path("", include("benchmarks.urls")),
    path("", include("plans.urls")),
    path("", include("commitments.urls")),
    path("", include("guidance.urls")),
    path("", include("search.urls")),
    path("", include("learning.urls")),
    path("", include("networks.urls")),
    path("", include("signposting.urls")),
    path("", include("forum.urls")),
    path("", include("policies.urls")),
    path("", include("insights.urls")),
    path("", include("communications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
