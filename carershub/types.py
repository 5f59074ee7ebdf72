"""Request types for views, so the type checker knows who is asking and where."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User
from organisations.models import Organisation


class AuthenticatedRequest(HttpRequest):
    user: User


class OrgRequest(AuthenticatedRequest):
    """A request that passed ``org_view``: signed in, a member, and permitted."""

    organisation: Organisation
