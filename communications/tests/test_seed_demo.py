from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from communications.models import Article
from communications.selectors import published_articles
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_trust_has_news_for_staff_and_a_draft() -> None:
    call_command("seed_demo", stdout=StringIO())
    trust = Organisation.objects.get(slug="eastbrook-hospitals")
    assert published_articles(organisation=trust).count() == 2
    assert Article.objects.filter(organisation=trust, published_at__isnull=True).count() == 1
