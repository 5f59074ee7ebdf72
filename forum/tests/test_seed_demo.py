from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from forum.models import CaseStudy, Event, Reply, Thread

pytestmark = pytest.mark.django_db


def test_the_demo_forum_has_an_anonymised_case_study_a_discussion_and_an_event() -> None:
    call_command("seed_demo", stdout=StringIO())
    studies = {c.title: c for c in CaseStudy.objects.select_related("organisation")}
    ward = studies["Planning carer's leave into a ward rota"]
    assert ward.anonymous
    assert ward.organisation is not None
    assert ward.organisation.slug == "eastbrook-hospitals"
    assert Thread.objects.count() == 1
    assert Reply.objects.count() == 1
    assert Event.objects.count() == 1
