from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.admin.sites import site

from carershub.tests.personas import TOTP_SECRET
from credentials.models import SigningKey
from credentials.services import active_key

pytestmark = pytest.mark.django_db


def test_admin_never_shows_the_encrypted_private_key_and_changes_nothing(
    world, admin_user, admin_client
):
    TOTP.activate(admin_user, TOTP_SECRET)  # superusers must have a second factor
    key = active_key(world.org, actor=None)

    response = admin_client.get(f"/admin/credentials/signingkey/{key.pk}/change/")

    assert response.status_code == 200
    assert key.private_jwk_encrypted not in response.content.decode()
    model_admin = site._registry[SigningKey]
    assert not model_admin.has_add_permission(response.wsgi_request)
    assert not model_admin.has_delete_permission(response.wsgi_request, key)
