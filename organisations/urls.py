"""The organisation's own pages, its partnership's home, and the invitation link."""

from django.urls import include, path

from organisations.sign_on import views as sign_on
from organisations.views import (
    bulk_invitations,
    home,
    imports,
    invitations,
    partnership,
    people,
    setup,
    staff,
)

app_name = "organisations"

pages = [
    path("", home.organisation_home, name="home"),
    path("me/", home.my_record, name="my_record"),
    path("team/", home.my_team, name="my_team"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/left/", staff.staff_mark_left, name="staff_mark_left"),
    path("staff/import/", imports.import_upload, name="import_upload"),
    path("staff/import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("staff/import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("staff/import/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    path("staff/import/<int:pk>/status/", imports.import_status, name="import_status"),
    path("units/", staff.unit_list, name="unit_list"),
    path("invite/", people.invite, name="invite"),
    path("invite/<int:pk>/withdraw/", people.invitation_revoke_view, name="invitation_revoke"),
    path("invite/everyone/", bulk_invitations.invite_everyone, name="invite_everyone"),
    path("invite/batches/<int:pk>/", bulk_invitations.invitation_batch, name="invitation_batch"),
    path(
        "invite/batches/<int:pk>/stop/",
        bulk_invitations.invitation_batch_stop_view,
        name="invitation_batch_stop",
    ),
    path(
        "invite/batches/<int:pk>/continue/",
        bulk_invitations.invitation_batch_continue_view,
        name="invitation_batch_continue",
    ),
    path("members/", people.members, name="members"),
    path("members/<int:pk>/remove/", people.member_remove, name="member_remove"),
    path("audit/", people.audit_log, name="audit_log"),
    path("language/", people.organisation_language, name="language"),
    path("sign-in/", sign_on.sign_on_settings, name="sign_on"),
]

urlpatterns = [
    # Under /accounts/, where people sign in.
    path(
        "accounts/invitation/<str:token>/",
        invitations.invitation_accept_view,
        name="invitation_accept",
    ),
    # The step from the sign-in page to an organisation's own provider (single sign-on).
    path("accounts/sso/", sign_on.sign_on_start, name="sign_on_start"),
    # The organisation's own sign-in link (allauth's page) continues here.
    path("accounts/sso/<str:provider_id>/", sign_on.sign_on_link, name="sign_on_link"),
    path("p/<slug:slug>/", partnership.partnership_home, name="partnership_home"),
    # A deployment admin's: setting up a partnership's organisations and units from a file.
    path("setup/organisations/", setup.setup_import, name="setup_import"),
    path("setup/organisations/confirm/", setup.setup_confirm, name="setup_confirm"),
    path("o/<slug:org_slug>/", include(pages)),
]
