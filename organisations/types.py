"""Request types for views, so the type checker knows who is asking and where."""

from __future__ import annotations

from accounts.types import AuthenticatedRequest
from organisations.models import Organisation

__all__ = ["AuthenticatedRequest", "OrgRequest"]


class OrgRequest(AuthenticatedRequest):
    """A request that passed ``org_view``: signed in, a member, and permitted."""

    organisation: Organisation
