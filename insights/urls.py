from django.urls import include, path

from insights import views

app_name = "insights"

pages = [
    path("", views.figures, name="figures"),
    path("export.<str:kind>", views.export, name="export"),
    path("business-case/", views.business_case, name="business_case"),
]

urlpatterns = [
    path("o/<slug:org_slug>/insight/", include(pages)),
    path("p/<slug:slug>/insight/", views.partnership, name="partnership"),
]
