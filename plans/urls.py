from django.urls import include, path

from plans.views import exports, home, org, personal

app_name = "plans"

pages = [
    path("", home.plans_home, name="home"),
    path("calendar/", home.plans_calendar, name="calendar"),
    # Personal plans: the owner's, and read-only for colleagues they shared with.
    path("personal/new/", personal.personal_plan_new, name="personal_plan_new"),
    path("personal/<int:pk>/", personal.personal_plan_detail, name="personal_plan_detail"),
    path("personal/<int:pk>/edit/", personal.personal_plan_edit, name="personal_plan_edit"),
    path("personal/<int:pk>/share/", personal.personal_plan_share_view, name="personal_plan_share"),
    path(
        "personal/<int:pk>/shares/<int:share_pk>/end/",
        personal.personal_plan_unshare_view,
        name="personal_plan_unshare",
    ),
    path(
        "personal/<int:pk>/delete/", personal.personal_plan_delete_view, name="personal_plan_delete"
    ),
    path("personal/<int:pk>/plan.pdf", exports.personal_plan_export_pdf, name="personal_plan_pdf"),
    path("personal/<int:pk>/plan.csv", exports.personal_plan_export_csv, name="personal_plan_csv"),
    # The organisation's strategy plans.
    path("org/", org.org_plan_list, name="org_plan_list"),
    path("org/new/", org.org_plan_new, name="org_plan_new"),
    path("org/<int:pk>/", org.org_plan_detail, name="org_plan_detail"),
    path("org/<int:pk>/edit/", org.org_plan_edit, name="org_plan_edit"),
    path("org/<int:pk>/priorities/new/", org.priority_new, name="priority_new"),
    path(
        "org/<int:pk>/priorities/<int:priority_pk>/edit/", org.priority_edit, name="priority_edit"
    ),
    path("org/<int:pk>/actions/new/", org.action_new, name="action_new"),
    path("org/<int:pk>/actions/<int:action_pk>/", org.action_detail, name="action_detail"),
    path("org/<int:pk>/actions/<int:action_pk>/edit/", org.action_edit, name="action_edit"),
    path("org/<int:pk>/actions/<int:action_pk>/progress/", org.progress_new, name="progress_new"),
    path("org/<int:pk>/plan.csv", exports.org_plan_export_csv, name="org_plan_csv"),
    path("org/<int:pk>/plan.xlsx", exports.org_plan_export_xlsx, name="org_plan_xlsx"),
    path("org/<int:pk>/plan.pdf", exports.org_plan_export_pdf, name="org_plan_pdf"),
]

urlpatterns = [
    path("o/<slug:org_slug>/plans/", include(pages)),
    # Signed by its token, for calendar apps that cannot sign in.
    path("plans/calendar/<str:token>.ics", home.plans_calendar_ics, name="calendar_ics"),
]
