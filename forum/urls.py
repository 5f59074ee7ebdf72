from django.urls import include, path

from forum import views

app_name = "forum"

pages = [
    path("", views.home, name="home"),
    path("case-studies/", views.case_studies, name="case_studies"),
    path("case-studies/new/", views.case_study_new, name="case_study_new"),
    path("case-studies/<int:pk>/", views.case_study, name="case_study"),
    path("case-studies/<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path(
        "case-studies/<int:pk>/withdraw/",
        views.case_study_withdraw_view,
        name="case_study_withdraw",
    ),
    path("threads/", views.thread_list, name="threads"),
    path("threads/new/", views.thread_new, name="thread_new"),
    path("threads/<int:pk>/", views.thread, name="thread"),
    path("threads/<int:pk>/close/", views.thread_close_view, name="thread_close"),
    path(
        "threads/<int:pk>/replies/<int:reply_pk>/remove/",
        views.reply_remove_view,
        name="reply_remove",
    ),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/event.ics", views.event_calendar_view, name="event_calendar"),
]

urlpatterns = [path("p/<slug:slug>/forum/", include(pages))]
