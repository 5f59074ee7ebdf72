from django.urls import path

from search import views

app_name = "search"

urlpatterns = [path("o/<slug:org_slug>/search/", views.results, name="results")]
