from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from api.models import ApiToken
from api.services import api_token_authenticate


class WrongTokenKind(PermissionDenied):
    def __init__(self, *, personal_needed: bool) -> None:
        super().__init__(
            "personal token needed" if personal_needed else "organisation token needed"
        )
        self.personal_needed = personal_needed


class BearerToken(HttpBearer):
    """The token decides the organisation: every route is scoped to it.

    ``permission`` is the ``rules`` permission the route needs in that organisation. It is
    checked here, before the request body is read, so that someone without the role gets a
    403 whatever they send rather than being told how to fix a request they may not make.

    ``personal`` says which kind of token the route takes; ``None`` takes either, for reads
    open to any member (the route reads ``request.auth.personal`` where the kinds differ).
    """

    def __init__(self, permission: str, *, personal: bool | None = False) -> None:
        super().__init__()
        self.permission = permission
        self.personal = personal

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        if self.personal is not None and api_token.personal != self.personal:
            # An HR system's token never reads a passport; a personal token never does HR work.
            raise WrongTokenKind(personal_needed=self.personal)
        request.user = api_token.user
        request.organisation = api_token.organisation  # type: ignore[attr-defined]
        if not api_token.user.has_perm(self.permission, api_token.organisation):
            raise PermissionDenied
        return api_token
