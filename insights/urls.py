from django.urls import include, path

from insights import views

app_name = "insights"

pages = [
    path("", views.figures, name="figures"),
    path("export.<str:kind>", views.export, name="export"),
    path("business-case/", views.business_case, name="business_case"),
    path("board-report.pdf", views.board_report_download, name="board_report"),
]

urlpatterns = [
    path("o/<slug:org_slug>/insight/", include(pages)),
    path("p/<slug:slug>/insight/", views.partnership, name="partnership"),
]
