from django.urls import include, path

from networks import views

app_name = "networks"

pages = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("edit/", views.edit, name="edit"),
    path("join/", views.join, name="join"),
    path("leave/", views.leave, name="leave"),
    path("members/", views.members, name="members"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel_view, name="meeting_cancel"),
    path("news/new/", views.announcement_new, name="announcement_new"),
    path("questions/", views.questions, name="questions"),
    path("questions/ask/", views.question_ask_view, name="question_ask"),
    path("questions/<uuid:pk>/answer/", views.question_answer_view, name="question_answer"),
    path("questions/<uuid:pk>/remove/", views.question_remove_view, name="question_remove"),
    path("contact/", views.contact, name="contact"),
    path("sharing/", views.share, name="share"),
]

urlpatterns = [path("o/<slug:org_slug>/network/", include(pages))]
