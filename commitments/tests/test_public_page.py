"""The partnership's signed commitments made public by its lead: off by default, a signed-out
page that lists only organisations and dates, a 404 while private, an audited choice that
writes nothing when it does not change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from commitments.models import (
    CommitmentVersion,
    LeadershipCommitment,
    PartnershipPage,
    VersionStatus,
)
from commitments.services import PartnershipPageConflict, partnership_page_set_public

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version(organisation, status: VersionStatus, number: int = 1, **fields) -> CommitmentVersion:
    commitment, _ = LeadershipCommitment.objects.get_or_create(organisation=organisation)
    signature = (
        {}
        if status in (VersionStatus.DRAFT, VersionStatus.READY)
        else {
            "signed_by_name": "Quorvath Signatory",
            "signed_by_role": "Chief Executive",
            "signed_on": timezone.localdate() - timedelta(days=3),
            "signed_at": timezone.now(),
        }
    )
    if status == VersionStatus.PUBLISHED:
        signature["published_at"] = timezone.now()
    return CommitmentVersion.objects.create(
        commitment=commitment,
        number=number,
        text=fields.pop("text", "We support carers."),
        status=status,
        **signature,
        **fields,
    )


def public_url(world) -> str:
    return reverse("commitments:partnership_public", kwargs={"slug": world.partnership.slug})


def setting_url(world) -> str:
    return reverse("commitments:partnership_public_set", kwargs={"slug": world.partnership.slug})


def list_url(world) -> str:
    return reverse("commitments:partnership_list", kwargs={"slug": world.partnership.slug})


def make_public(world, public: bool = True) -> bool:
    page = PartnershipPage.objects.filter(partnership=world.partnership).first()
    return partnership_page_set_public(
        partnership=world.partnership,
        by=world.lead,
        public=public,
        expected_version=page.version if page else 0,
    )


def test_the_public_page_is_not_found_until_a_lead_makes_it_public(world):
    version(world.org, VersionStatus.PUBLISHED)
    assert Client().get(public_url(world)).status_code == 404
    assert make_public(world)
    assert Client().get(public_url(world)).status_code == 200
    assert make_public(world, False)
    assert Client().get(public_url(world)).status_code == 404


def test_signed_out_visitors_see_organisations_and_dates_only(world):
    version(world.org, VersionStatus.PUBLISHED, text="Our secret-free words")
    version(world.other_org, VersionStatus.DRAFT, text="Draft words")
    make_public(world)
    page = Client().get(public_url(world))
    text = page.content.decode()
    assert world.org.name in text
    assert world.other_org.name not in text  # only a draft: not committed yet
    assert "Quorvath Signatory" not in text
    assert "Chief Executive" not in text
    assert "Our secret-free words" not in text
    assert "Draft words" not in text
    assert "no-store" in page["Cache-Control"]


def test_an_unchanged_choice_writes_nothing_and_a_change_is_audited(world):
    assert not make_public(world, False)
    assert not PartnershipPage.objects.exists()
    assert make_public(world)
    event = AuditEvent.objects.get(object_id=str(PartnershipPage.objects.get().pk))
    assert event.actor == world.lead
    assert event.organisation_id is None
    assert not make_public(world)
    assert AuditEvent.objects.filter(object_id=event.object_id).count() == 1


def test_a_choice_made_on_an_older_copy_is_refused(world):
    make_public(world)
    with pytest.raises(PartnershipPageConflict):
        partnership_page_set_public(
            partnership=world.partnership, by=world.lead, public=False, expected_version=0
        )


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "sponsor", "carer"])
def test_only_the_partnerships_leads_choose(world, persona):
    with pytest.raises(PermissionDenied):
        partnership_page_set_public(
            partnership=world.partnership,
            by=getattr(world, persona),
            public=True,
            expected_version=0,
        )
    response = signed_in(getattr(world, persona)).post(
        setting_url(world), {"public": "yes", "version": "0"}
    )
    assert response.status_code == 404
    assert not PartnershipPage.objects.exists()


def test_the_lead_chooses_on_the_signed_commitments_page(world):
    lead = signed_in(world.lead)
    page = lead.get(list_url(world)).content.decode()
    assert "Show this page to anyone, without signing in" in page
    chosen = re.findall(r'<input[^>]*name="public"[^>]*>', page)
    assert [tag for tag in chosen if "checked" in tag] == [
        tag for tag in chosen if 'value="no"' in tag
    ]
    assert len(chosen) == 2
    response = lead.post(setting_url(world), {"public": "yes", "version": "0"})
    assert response.status_code == 302
    assert PartnershipPage.objects.get().public
    assert public_url(world) in lead.get(list_url(world)).content.decode()


def test_a_missing_choice_is_shown_as_an_error_and_saves_nothing(world):
    response = signed_in(world.lead).post(setting_url(world), {"version": "0"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not PartnershipPage.objects.exists()


def test_members_do_not_see_the_choice(world):
    page = signed_in(world.hr_admin).get(list_url(world)).content.decode()
    assert "Show this page to anyone" not in page


def test_an_unknown_partnership_is_not_found(world):
    url = reverse("commitments:partnership_public", kwargs={"slug": "nowhere"})
    assert Client().get(url).status_code == 404
