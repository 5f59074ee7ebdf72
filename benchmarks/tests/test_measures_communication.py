"""Telling staff and other employers, as live evidence: the articles HR published to staff in
the last year (communications.public) and the case studies the organisation shared in its
partnership's employers' forum (forum.public). Counts of documents, not of people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks.frameworks import frameworks
from benchmarks.measures import forum_case_studies, staff_articles
from communications.models import Article
from communications.services import article_unpublish
from communications.tests.helpers import draft, published
from forum.models import CaseStudy
from forum.services import case_study_withdraw
from forum.tests import helpers as forum_helpers
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_staff_articles_count_what_is_published_now_from_the_last_year(world):
    today = timezone.localdate()
    assert staff_articles(world.org, today).display == "None yet"
    published(world, title="One")
    old = published(world, title="Two")
    Article.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=400))
    taken_down = published(world, title="Three")
    article_unpublish(article=taken_down, user=world.hr_admin, expected_version=taken_down.version)
    draft(world, title="Four")
    assert staff_articles(world.org, today).value == 1
    assert staff_articles(world.other_org, today).value == 0


def test_case_studies_count_the_organisations_own_still_shared_ones(world):
    today = timezone.localdate()
    shared = forum_helpers.case_study(world.partnership, world.hr_admin, anonymous=True)
    forum_helpers.case_study(world.partnership, world.hr_admin, title="Another")
    withdrawn = forum_helpers.case_study(world.partnership, world.hr_admin, title="Gone")
    case_study_withdraw(case_study=withdrawn, by=world.hr_admin, expected_version=1)
    forum_helpers.case_study(world.partnership, world.lead, title="The lead's own")
    assert forum_case_studies(world.org, today).value == 2
    assert forum_case_studies(world.other_org, today).value == 0
    CaseStudy.objects.filter(pk=shared.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert forum_case_studies(world.org, today).value == 1
    # Out of the partnership, there is no forum to share in.
    Organisation.objects.filter(pk=world.org.pk).update(partnership=None)
    world.org.refresh_from_db()
    assert forum_case_studies(world.org, today).value is None


def test_the_frameworks_show_them_on_their_communication_requirements():
    wired = {
        (framework.slug, requirement.key, name)
        for framework in frameworks().values()
        for _criterion, requirement in framework.requirements()
        for name in requirement.measures
        if name in ("staff_articles", "forum_case_studies")
    }
    assert wired == {
        ("carer-positive", "communication-all-staff", "staff_articles"),
        ("carer-positive", "communication-regular", "staff_articles"),
        ("carer-positive", "communication-beyond", "forum_case_studies"),
        ("carer-confident", "promoting-organisation", "staff_articles"),
    }
