from django.urls import path

from commitments.views import organisation as views

urlpatterns = [
    path("", views.commitment_home, name="commitment_home"),
    path("adopt/", views.commitment_adopt, name="commitment_adopt"),
    path("new-draft/", views.commitment_new_draft, name="commitment_new_draft"),
    path("versions/", views.commitment_history, name="commitment_history"),
    path("versions/<int:number>/", views.commitment_version, name="commitment_version"),
    path("versions/<int:number>/print/", views.commitment_print, name="commitment_print"),
    path("versions/<int:number>/pdf/", views.commitment_pdf_download, name="commitment_pdf"),
    path("versions/<int:number>/edit/", views.commitment_edit, name="commitment_edit"),
    path("versions/<int:number>/ready/", views.commitment_ready, name="commitment_ready"),
    path("versions/<int:number>/sign/", views.commitment_sign, name="commitment_sign"),
    path("versions/<int:number>/publish/", views.commitment_publish, name="commitment_publish"),
    path("versions/<int:number>/withdraw/", views.commitment_withdraw, name="commitment_withdraw"),
]
