from django.urls import path

from benchmarks import views

urlpatterns = [
    path("", views.benchmarks_home, name="benchmarks_home"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="framework_detail"),
    path("start/", views.assessment_start_view, name="assessment_start"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/criteria/<slug:key>/", views.criterion_detail, name="criterion_detail"),
    path("<int:pk>/criteria/<slug:key>/files/", views.evidence_upload_view, name="evidence_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.evidence_download, name="evidence_download"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/", views.evidence_remove_view, name="evidence_remove"
    ),
    path("<int:pk>/sign-off/", views.assessment_sign_off_view, name="assessment_sign_off"),
    path("<int:pk>/new-version/", views.assessment_new_version, name="assessment_new_version"),
    path("<int:pk>/compare/", views.assessment_compare, name="assessment_compare"),
    path("<int:pk>/plan/", views.assessment_plan, name="assessment_plan"),
    path("<int:pk>/evidence-pack.pdf", views.assessment_pack, name="assessment_pack"),
    path("<int:pk>/delete/", views.assessment_delete_view, name="assessment_delete"),
]
