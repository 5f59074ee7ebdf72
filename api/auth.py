from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from api.models import ApiToken
from api.services import api_token_authenticate


class BearerToken(HttpBearer):
    """The token decides the organisation: every route is scoped to it."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(token)
        if api_token is not None:
            request.user = api_token.user
            request.organisation = api_token.organisation  # type: ignore[attr-defined]
        return api_token
