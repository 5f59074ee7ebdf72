"""The invitation link's address, under ``/accounts/`` where people sign in."""

from django.urls import path

from organisations.views import invitations

urlpatterns = [
    path("invitation/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
]
