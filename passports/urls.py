from django.urls import include, path

from passports.views import carer, manager, passport

app_name = "passports"

pages = [
    path("carer/", carer.carer_home, name="carer_home"),
    path("carer/declare/", carer.carer_declare_view, name="carer_declare"),
    path("carer/export.json", carer.carer_export_json, name="carer_export_json"),
    path("carer/export.pdf", carer.carer_export_pdf, name="carer_export_pdf"),
    path("carer/delete/", carer.carer_delete, name="carer_delete"),
    path("passport/", carer.passport_mine, name="mine"),
    path("passport/share/", carer.passport_share_view, name="share"),
    path("passport/unshare/", carer.passport_unshare_view, name="unshare"),
    path("passport/seen-by/", carer.passport_seen_by_view, name="seen_by"),
    path("team/passports/", manager.team_passports, name="team"),
    path("passports/<int:pk>/", passport.passport_detail, name="detail"),
    path("passports/<int:pk>/about/", passport.passport_edit_about, name="edit_about"),
    path("passports/<int:pk>/adjustments/new/", passport.adjustment_new, name="adjustment_new"),
    path(
        "passports/<int:pk>/adjustments/<int:adjustment_pk>/",
        passport.adjustment_edit,
        name="adjustment_edit",
    ),
    path("passports/<int:pk>/review/", passport.passport_review, name="review"),
    path(
        "passports/<int:pk>/conversations/new/", passport.conversation_new, name="conversation_new"
    ),
    path(
        "passports/<int:pk>/conversation-guide/",
        passport.conversation_guide_view,
        name="conversation_guide",
    ),
    path("passports/<int:pk>/sign/", passport.passport_sign_view, name="sign"),
    path(
        "passports/<int:pk>/versions/<int:number>/",
        passport.passport_version,
        name="version",
    ),
    path(
        "passports/<int:pk>/versions/<int:number>/credential/",
        passport.passport_credential_download,
        name="credential",
    ),
    path("passport/import/", carer.passport_import, name="import"),
    path("passport/import/confirm/", carer.passport_import_confirm, name="import_confirm"),
    path(
        "passports/<int:pk>/versions/<int:number>/pdf/",
        passport.passport_version_pdf,
        name="version_pdf",
    ),
]

urlpatterns = [path("o/<slug:org_slug>/", include(pages))]
