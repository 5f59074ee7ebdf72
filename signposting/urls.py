from django.urls import include, path

from signposting import views

app_name = "signposting"

pages = [
    path("", views.directory, name="directory"),
    path("for-you/", views.for_you, name="for_you"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.entry_new, name="entry_new"),
    path("manage/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("manage/<int:pk>/remove/", views.entry_remove_view, name="entry_remove"),
    path("manage/<int:pk>/still-right/", views.entry_confirm_view, name="entry_confirm"),
    path("manage/<int:pk>/codes/new/", views.code_new, name="code_new"),
    path(
        "manage/<int:pk>/codes/<int:code_pk>/remove/",
        views.code_remove_view,
        name="code_remove",
    ),
]

partnership_pages = [
    path("", views.partnership_manage, name="partnership_manage"),
    path("new/", views.partnership_entry_new, name="partnership_entry_new"),
    path("<int:pk>/", views.partnership_entry_edit, name="partnership_entry_edit"),
    path("<int:pk>/remove/", views.partnership_entry_remove, name="partnership_entry_remove"),
    path(
        "<int:pk>/still-right/",
        views.partnership_entry_confirm,
        name="partnership_entry_confirm",
    ),
    path("<int:pk>/codes/new/", views.partnership_code_new, name="partnership_code_new"),
    path(
        "<int:pk>/codes/<int:code_pk>/remove/",
        views.partnership_code_remove,
        name="partnership_code_remove",
    ),
]

urlpatterns = [
    path("o/<slug:org_slug>/support/", include(pages)),
    path("p/<slug:slug>/support/", include(partnership_pages)),
]
