from django.urls import path

from passports.views import carer, manager, passport

urlpatterns = [
    path("carer/", carer.carer_home, name="carer_home"),
    path("carer/declare/", carer.carer_declare_view, name="carer_declare"),
    path("carer/export.json", carer.carer_export_json, name="carer_export_json"),
    path("carer/export.pdf", carer.carer_export_pdf, name="carer_export_pdf"),
    path("carer/delete/", carer.carer_delete, name="carer_delete"),
    path("passport/", carer.passport_mine, name="passport_mine"),
    path("passport/share/", carer.passport_share_view, name="passport_share"),
    path("passport/unshare/", carer.passport_unshare_view, name="passport_unshare"),
    path("passport/seen-by/", carer.passport_seen_by_view, name="passport_seen_by"),
    path("team/passports/", manager.team_passports, name="team_passports"),
    path("passports/<int:pk>/", passport.passport_detail, name="passport_detail"),
    path("passports/<int:pk>/about/", passport.passport_edit_about, name="passport_edit_about"),
    path("passports/<int:pk>/adjustments/new/", passport.adjustment_new, name="adjustment_new"),
    path(
        "passports/<int:pk>/adjustments/<int:adjustment_pk>/",
        passport.adjustment_edit,
        name="adjustment_edit",
    ),
    path("passports/<int:pk>/review/", passport.passport_review, name="passport_review"),
    path(
        "passports/<int:pk>/conversations/new/", passport.conversation_new, name="conversation_new"
    ),
    path("passports/<int:pk>/sign/", passport.passport_sign_view, name="passport_sign"),
    path(
        "passports/<int:pk>/versions/<int:number>/",
        passport.passport_version,
        name="passport_version",
    ),
    path(
        "passports/<int:pk>/versions/<int:number>/credential/",
        passport.passport_credential_download,
        name="passport_credential",
    ),
    path("passport/import/", carer.passport_import, name="passport_import"),
    path("passport/import/confirm/", carer.passport_import_confirm, name="passport_import_confirm"),
    path(
        "passports/<int:pk>/versions/<int:number>/pdf/",
        passport.passport_version_pdf,
        name="passport_version_pdf",
    ),
]
