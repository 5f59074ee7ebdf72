from django.urls import include, path

from policies import views

app_name = "policies"

pages = [
    path("", views.home, name="home"),
    path("<slug:kind>/", views.policy, name="policy"),
    path("<slug:kind>/edit/", views.edit, name="edit"),
    path("<slug:kind>/versions/<int:number>/", views.version, name="version"),
]

urlpatterns = [path("o/<slug:org_slug>/policies/", include(pages))]
