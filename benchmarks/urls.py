from django.urls import include, path

from benchmarks.views import assessment, criterion, home, plan, versions

app_name = "benchmarks"

pages = [
    path("", home.benchmarks_home, name="home"),
    path("frameworks/<slug:slug>/", home.framework_detail, name="framework_detail"),
    path("start/", home.assessment_start_view, name="assessment_start"),
    path("<int:pk>/", assessment.assessment_detail, name="assessment_detail"),
    path("<int:pk>/criteria/<slug:key>/", criterion.criterion_detail, name="criterion_detail"),
    path(
        "<int:pk>/criteria/<slug:key>/files/",
        criterion.evidence_upload_view,
        name="evidence_upload",
    ),
    path("<int:pk>/files/<int:file_pk>/", criterion.evidence_download, name="evidence_download"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/",
        criterion.evidence_remove_view,
        name="evidence_remove",
    ),
    path("<int:pk>/sign-off/", versions.assessment_sign_off_view, name="assessment_sign_off"),
    path("<int:pk>/new-version/", versions.assessment_new_version, name="assessment_new_version"),
    path("<int:pk>/compare/", assessment.assessment_compare, name="assessment_compare"),
    path("<int:pk>/plan/", plan.assessment_plan, name="assessment_plan"),
    path("<int:pk>/evidence-pack.pdf", assessment.assessment_pack, name="assessment_pack"),
    path("<int:pk>/delete/", versions.assessment_delete_view, name="assessment_delete"),
]

urlpatterns = [path("o/<slug:org_slug>/benchmarks/", include(pages))]
