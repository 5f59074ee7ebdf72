from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from carershub import views
from carershub.api import api
from leave import views as leave_views
from organisations.views import partnership
from plans.views import home as plans_home_views

# The admin signs in through allauth, so a superuser's second factor is always asked for.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
    path("accounts/", include("organisations.invitation_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("p/<slug:slug>/", partnership.partnership_home, name="partnership_home"),
    path("p/<slug:slug>/commitments/", include("commitments.partnership_urls")),
    path("o/<slug:org_slug>/", include("organisations.urls")),
    path("o/<slug:org_slug>/", include("api.page_urls")),
    path("o/<slug:org_slug>/leave/", include("leave.urls")),
    path("calendar/<str:token>.ics", leave_views.calendar_feed_ics, name="calendar_feed_ics"),
    path("o/<slug:org_slug>/flexible/", include("leave.flexible.urls")),
    path("o/<slug:org_slug>/", include("credentials.urls")),
    path("", include("credentials.public_urls")),
    path("o/<slug:org_slug>/", include("passports.urls")),
    path("o/<slug:org_slug>/benchmarks/", include("benchmarks.urls")),
    path("o/<slug:org_slug>/plans/", include("plans.urls")),
    path(
        "plans/calendar/<str:token>.ics",
        plans_home_views.plans_calendar_ics,
        name="plans_calendar_ics",
    ),
    path("o/<slug:org_slug>/commitment/", include("commitments.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
