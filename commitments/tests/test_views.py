from __future__ import annotations

from datetime import timedelta
from email.message import Message
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from carershub.tests.personas import World
from commitments.models import CommitmentVersion, VersionStatus
from commitments.services import draft_update
from commitments.tests.helpers import adopted, next_published, published, ready, signed

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _url(name: str, org: str = "home-org", **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": org, **kwargs})


def _audited(summary: str) -> bool:
    return AuditEvent.objects.filter(
        object_type="commitments.commitmentversion", summary=summary
    ).exists()


# --- Home -------------------------------------------------------------------------------------


def test_before_anything_is_adopted_hr_is_offered_the_template(world: World) -> None:
    response = _client(world.hr_admin).get(_url("commitments:home"))
    assert response.status_code == 200
    assert "There is no published commitment yet." in response.text
    assert _url("commitments:adopt") in response.text


def test_staff_see_the_published_commitment_but_no_drafts(world: World) -> None:
    version = published(world)
    next_draft_text = "A secret draft"
    from commitments.services import commitment_start_draft

    draft = commitment_start_draft(commitment=version.commitment, by=world.hr_admin)
    draft_update(version=draft, expected_revision=None, text=next_draft_text, by=world.hr_admin)
    response = _client(world.carer).get(_url("commitments:home"))
    assert response.status_code == 200
    assert "Our commitment to working carers" in response.text
    assert "Sam Sponsor" in response.text
    assert "Chief People Officer" in response.text
    assert "data-draft" not in response.text
    assert _url("commitments:adopt") not in response.text
    assert f'href="{_url("commitments:history")}"' not in response.text


def test_home_page_queries_do_not_grow_with_versions(
    world: World, django_assert_max_num_queries
) -> None:
    published(world)
    for n in range(3):
        next_published(world, text=f"Version {n + 2}")
    client = _client(world.hr_admin)
    client.get(_url("commitments:home"))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(_url("commitments:home"))
    assert response.status_code == 200


def test_history_lists_every_version_in_constant_queries(
    world: World, django_assert_max_num_queries
) -> None:
    published(world)
    next_published(world)
    client = _client(world.sponsor)
    client.get(_url("commitments:home"))
    with django_assert_max_num_queries(10):
        response = client.get(_url("commitments:history"))
    assert response.status_code == 200
    assert "Version 1" in response.text
    assert "Version 2" in response.text
    assert "Replaced by a newer version" in response.text


def test_organisation_home_shows_the_published_commitment(world: World) -> None:
    client = _client(world.carer)
    home = reverse("organisations:home", kwargs={"org_slug": "home-org"})
    assert "Not published yet." in client.get(home).text
    published(world)
    text = client.get(home).text
    assert _url("commitments:home") in text
    assert "signed by Sam Sponsor, Chief People Officer" in text


# --- Adopt and edit ---------------------------------------------------------------------------


def test_adopting_through_the_page_creates_draft_one_and_opens_it_for_editing(
    world: World,
) -> None:
    client = _client(world.hr_admin)
    page = client.get(_url("commitments:adopt"))
    assert "Home Trust" in page.text
    assert "{organisation}" not in page.text
    response = client.post(_url("commitments:adopt"))
    assert response.status_code == 302
    assert response["Location"] == _url("commitments:edit", number=1)
    assert CommitmentVersion.objects.get().status == VersionStatus.DRAFT
    assert _audited("Adopted the leadership commitment template")


def test_adopt_refuses_the_wrong_method(world: World) -> None:
    assert _client(world.hr_admin).put(_url("commitments:adopt")).status_code == 405


def test_adopting_twice_goes_back_to_the_commitment(world: World) -> None:
    adopted(world)
    response = _client(world.hr_admin).post(_url("commitments:adopt"))
    assert response.status_code == 302
    assert response["Location"] == _url("commitments:home")
    assert CommitmentVersion.objects.count() == 1


def test_editing_the_draft_saves_it(world: World) -> None:
    adopted(world)
    response = _client(world.org_admin).post(
        _url("commitments:edit", number=1), {"revision": "1", "text": "# Ours\n\nWe care."}
    )
    assert response.status_code == 302
    assert CommitmentVersion.objects.get().text == "# Ours\n\nWe care.\n"
    assert _audited("Changed draft version 1")


def test_an_empty_draft_shows_the_error_summary(world: World) -> None:
    adopted(world)
    response = _client(world.hr_admin).post(
        _url("commitments:edit", number=1), {"revision": "1", "text": "   "}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert CommitmentVersion.objects.get().revision == 1


def test_a_clashing_edit_keeps_what_was_typed_and_shows_the_saved_draft(world: World) -> None:
    version = adopted(world)
    draft_update(
        version=version, expected_revision=1, text="Saved by someone else", by=world.org_admin
    )
    client = _client(world.hr_admin)
    response = client.post(
        _url("commitments:edit", number=1), {"revision": "1", "text": "My careful words"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "admin@example.org changed this draft" in response.text
    assert "My careful words" in response.text  # what was typed
    assert "Saved by someone else" in response.text  # what is saved, to compare
    assert 'name="revision" value="2"' in response.text
    assert CommitmentVersion.objects.get().text == "Saved by someone else\n"
    # Saving again now applies the typed text knowingly.
    again = client.post(
        _url("commitments:edit", number=1), {"revision": "2", "text": "My careful words"}
    )
    assert again.status_code == 302
    assert CommitmentVersion.objects.get().text == "My careful words\n"


def test_a_signed_version_cannot_be_opened_for_editing(world: World) -> None:
    signed(world)
    response = _client(world.hr_admin).get(_url("commitments:edit", number=1))
    assert response.status_code == 302
    assert response["Location"] == _url("commitments:version", number=1)


# --- Ready, sign, publish, withdraw -----------------------------------------------------------


def test_marking_ready_emails_the_sponsor(
    world: World, smtp_sink: list[Message], django_capture_on_commit_callbacks
) -> None:
    adopted(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.hr_admin).post(
            _url("commitments:ready", number=1), {"revision": "1"}
        )
    assert response.status_code == 302
    assert CommitmentVersion.objects.get().status == VersionStatus.READY
    assert [m["To"] for m in smtp_sink] == ["sponsor@example.org"]
    assert _audited("Marked version 1 ready for signature")


def test_marking_ready_needs_post(world: World) -> None:
    adopted(world)
    assert _client(world.hr_admin).get(_url("commitments:ready", number=1)).status_code == 405


def test_the_sponsor_signs_through_the_page_and_hr_is_told(
    world: World, smtp_sink: list[Message], django_capture_on_commit_callbacks
) -> None:
    ready(world)
    client = _client(world.sponsor)
    page = client.get(_url("commitments:sign", number=1))
    assert page.status_code == 200
    assert "Our commitment to working carers" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("commitments:sign", number=1),
            {
                "revision": "1",
                "name": "Dr Ada Lovelace",
                "role": "Chief Executive",
                "signed_on": timezone.localdate().isoformat(),
                "authority_confirmed": "on",
            },
        )
    assert response.status_code == 302
    version = CommitmentVersion.objects.get()
    assert version.status == VersionStatus.SIGNED
    assert version.signed_by_name == "Dr Ada Lovelace"
    assert _audited("Signed version 1 as Chief Executive")
    assert len(smtp_sink) == 1
    assert "hr@example.org" in smtp_sink[0]["To"]


def test_signing_with_a_future_date_and_no_confirmation_keeps_what_was_typed(
    world: World,
) -> None:
    ready(world)
    response = _client(world.sponsor).post(
        _url("commitments:sign", number=1),
        {
            "revision": "1",
            "name": "Dr Ada Lovelace",
            "role": "Chief Executive",
            "signed_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Confirm that you have the authority" in response.text
    assert "Dr Ada Lovelace" in response.text
    assert CommitmentVersion.objects.get().status == VersionStatus.READY
    future = _client(world.sponsor).post(
        _url("commitments:sign", number=1),
        {
            "revision": "1",
            "name": "Dr Ada Lovelace",
            "role": "Chief Executive",
            "signed_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "authority_confirmed": "on",
        },
    )
    assert "must be today or in the past" in future.text
    assert CommitmentVersion.objects.get().status == VersionStatus.READY


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "carer", "champion"])
def test_only_the_sponsor_may_open_the_signing_page(world: World, persona: str) -> None:
    ready(world)
    response = _client(getattr(world, persona)).get(_url("commitments:sign", number=1))
    assert response.status_code == 403


def test_a_draft_not_yet_ready_sends_the_sponsor_back(world: World) -> None:
    adopted(world)
    response = _client(world.sponsor).get(_url("commitments:sign", number=1))
    assert response.status_code == 302


def test_publishing_through_the_page(world: World) -> None:
    signed(world)
    response = _client(world.hr_admin).post(_url("commitments:publish", number=1))
    assert response.status_code == 302
    assert CommitmentVersion.objects.get().status == VersionStatus.PUBLISHED
    assert _audited("Published version 1")


def test_publish_needs_post(world: World) -> None:
    signed(world)
    assert _client(world.hr_admin).get(_url("commitments:publish", number=1)).status_code == 405


def test_the_sponsor_cannot_publish(world: World) -> None:
    signed(world)
    assert _client(world.sponsor).post(_url("commitments:publish", number=1)).status_code == 403


def test_withdrawing_needs_a_reason(world: World) -> None:
    published(world)
    client = _client(world.hr_admin)
    empty = client.post(_url("commitments:withdraw", number=1), {"reason": ""})
    assert empty.status_code == 200
    assert "govuk-error-summary" in empty.text
    response = client.post(_url("commitments:withdraw", number=1), {"reason": "Out of date"})
    assert response.status_code == 302
    version = CommitmentVersion.objects.get()
    assert version.status == VersionStatus.WITHDRAWN
    assert _audited("Withdrew version 1 (was published)")
    assert "There is no published commitment yet." in client.get(_url("commitments:home")).text


def test_a_new_draft_from_the_page_copies_the_latest_text(world: World) -> None:
    first = published(world)
    response = _client(world.hr_admin).post(_url("commitments:new_draft"))
    assert response.status_code == 302
    assert response["Location"] == _url("commitments:edit", number=2)
    assert CommitmentVersion.objects.get(number=2).text == first.text


# --- Reading versions -------------------------------------------------------------------------


def test_staff_may_read_the_published_version_but_not_a_draft(world: World) -> None:
    published(world)
    from commitments.services import commitment_start_draft

    commitment_start_draft(commitment=CommitmentVersion.objects.get().commitment, by=world.hr_admin)
    client = _client(world.carer)
    assert client.get(_url("commitments:version", number=1)).status_code == 200
    assert client.get(_url("commitments:version", number=2)).status_code == 403
    assert client.get(_url("commitments:print", number=2)).status_code == 403
    assert client.get(_url("commitments:version", number=9)).status_code == 404
    sponsor = _client(world.sponsor)
    assert sponsor.get(_url("commitments:version", number=2)).status_code == 200


def test_the_printable_view_and_pdf_carry_the_text_and_signature(world: World) -> None:
    published(world)
    client = _client(world.carer)
    printable = client.get(_url("commitments:print", number=1))
    assert printable.status_code == 200
    assert "Sam Sponsor" in printable.text
    pdf = client.get(_url("commitments:pdf", number=1))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "Our commitment to working carers" in text
    assert "Sam Sponsor" in text
    assert "Chief People Officer" in text


def test_another_organisations_commitment_is_not_found(world: World) -> None:
    published(world)
    outsider = _client(world.outsider)
    for name, kwargs in (
        ("commitments:home", {}),
        ("commitments:version", {"number": 1}),
        ("commitments:pdf", {"number": 1}),
        ("commitments:history", {}),
    ):
        assert outsider.get(_url(name, "home-org", **kwargs)).status_code == 404, name
    # And through their own organisation, our version number finds nothing.
    assert outsider.get(_url("commitments:version", "other-org", number=1)).status_code == 404


@pytest.mark.parametrize("persona", ["carer", "champion", "sponsor"])
def test_too_little_role_cannot_write(world: World, persona: str) -> None:
    adopted(world)
    client = _client(getattr(world, persona))
    assert client.get(_url("commitments:edit", number=1)).status_code == 403
    assert client.post(_url("commitments:ready", number=1), {"revision": "1"}).status_code == 403
    assert client.post(_url("commitments:new_draft")).status_code == 403
    assert CommitmentVersion.objects.get().status == VersionStatus.DRAFT
