from django.urls import include, path

from commitments.views import organisation, partnership

app_name = "commitments"

pages = [
    path("", organisation.commitment_home, name="home"),
    path("adopt/", organisation.commitment_adopt, name="adopt"),
    path("new-draft/", organisation.commitment_new_draft, name="new_draft"),
    path("versions/", organisation.commitment_history, name="history"),
    path("versions/<int:number>/", organisation.commitment_version, name="version"),
    path("versions/<int:number>/print/", organisation.commitment_print, name="print"),
    path("versions/<int:number>/pdf/", organisation.commitment_pdf_download, name="pdf"),
    path("versions/<int:number>/edit/", organisation.commitment_edit, name="edit"),
    path("versions/<int:number>/ready/", organisation.commitment_ready, name="ready"),
    path("versions/<int:number>/sign/", organisation.commitment_sign, name="sign"),
    path("versions/<int:number>/publish/", organisation.commitment_publish, name="publish"),
    path("versions/<int:number>/withdraw/", organisation.commitment_withdraw, name="withdraw"),
]

partnership_pages = [
    path("", partnership.partnership_commitment_list, name="partnership_list"),
    # Two segments, so no organisation's slug can hide them.
    path("settings/public/", partnership.partnership_public_set, name="partnership_public_set"),
    path("<slug:org_slug>/", partnership.partnership_commitment_text, name="partnership_member"),
]

# Signed out, once the partnership's leads made the page public.
public_pages = [
    path("", partnership.partnership_public_list, name="partnership_public"),
]

urlpatterns = [
    path("o/<slug:org_slug>/commitment/", include(pages)),
    path("p/<slug:slug>/commitments/", include(partnership_pages)),
    path("partnerships/<slug:slug>/commitments/", include(public_pages)),
]
