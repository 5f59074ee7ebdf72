"""Reads of API tokens for the token pages: an organisation's tokens, and a person's own.

Personal tokens are their owners' business (they may read a passport), so HR's lists and
HR's revoke never reach them, and a person reaches only their own.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from api.models import ApiToken
from organisations.models import Organisation


def organisation_tokens(*, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation, personal=False).select_related("user")


def personal_tokens_of(*, user: User, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation, user=user, personal=True)


def access_organisation_token(*, organisation: Organisation, pk: int) -> ApiToken:
    """One of the organisation's tokens; a personal token or another organisation's is a 404."""
    return get_object_or_404(organisation_tokens(organisation=organisation), pk=pk)


def access_personal_token(*, viewer: User, organisation: Organisation, pk: int) -> ApiToken:
    """One of the viewer's own personal tokens here; anyone else's is a 404."""
    return get_object_or_404(personal_tokens_of(user=viewer, organisation=organisation), pk=pk)
