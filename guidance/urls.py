from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("help/", views.index, name="index"),
    # Before the page path, so "glossary" is never taken for a page's slug.
    path("help/glossary/", views.glossary, name="glossary"),
    path("help/<slug:slug>/", views.page, name="page"),
]
