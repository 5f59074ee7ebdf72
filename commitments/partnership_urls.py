from django.urls import path

from commitments.views import partnership as views

urlpatterns = [
    path("", views.partnership_commitment_list, name="partnership_commitments"),
    path("<slug:org_slug>/", views.partnership_commitment_text, name="partnership_commitment"),
]
