from django.urls import include, path

from communications import views

app_name = "communications"

news = [
    path("", views.news, name="news"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.article_new, name="article_new"),
    path("<int:pk>/", views.article, name="article"),
    path("<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<int:pk>/publish/", views.article_publish_view, name="article_publish"),
    path("<int:pk>/unpublish/", views.article_unpublish_view, name="article_unpublish"),
]

awareness = [
    path("<slug:campaign>/<int:year>/", views.awareness_day, name="awareness_day"),
    path(
        "<slug:campaign>/<int:year>/<slug:key>/add/",
        views.suggestion_add_view,
        name="suggestion_add",
    ),
]

urlpatterns = [
    path("o/<slug:org_slug>/news/", include(news)),
    path("o/<slug:org_slug>/awareness/", include(awareness)),
]
