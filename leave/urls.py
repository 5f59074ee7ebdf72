from django.urls import include, path

from leave import views

app_name = "leave"

pages = [
    path("", views.leave_home, name="home"),
    path("team/", views.team_leave, name="team"),
    path("all/", views.carers_leave_all, name="carers_leave_all"),
    path("export/", views.leave_export, name="export"),
    path("deputies/", views.deputies, name="deputies"),
    path("deputies/<int:pk>/end/", views.deputy_end_view, name="deputy_end"),
    path("calendar/", views.team_calendar, name="team_calendar"),
    path("calendar/subscribe/", views.calendar_feed, name="calendar_feed"),
    path("policy/", views.leave_policy, name="policy"),
    path("dependants/new/", views.dependants_time_off_new, name="dependants_time_off_new"),
    path("carers/new/", views.carers_leave_new, name="carers_leave_new"),
    path("carers/new/check/", views.carers_leave_check, name="carers_leave_check"),
    path("carers/<int:pk>/", views.carers_leave_detail, name="carers_leave_detail"),
    path("carers/<int:pk>/decide/", views.carers_leave_decide, name="carers_leave_decide"),
    path("carers/<int:pk>/cancel/", views.carers_leave_cancel_view, name="carers_leave_cancel"),
]

urlpatterns = [
    path("o/<slug:org_slug>/leave/", include(pages)),
    # Signed by its token, for calendar apps that cannot sign in.
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
]
