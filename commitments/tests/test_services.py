from __future__ import annotations

from datetime import timedelta
from email.message import Message

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from carershub.tests.personas import World
from commitments.models import (
    CommitmentVersion,
    CommitmentVersionImmutableError,
    VersionStatus,
)
from commitments.services import (
    CommitmentConflict,
    commitment_adopt_template,
    commitment_start_draft,
    draft_mark_ready,
    draft_update,
    version_publish,
    version_sign,
    version_withdraw,
)
from commitments.tests.helpers import adopted, next_published, published, ready, signed
from organisations.models import Membership, Role
from shared.writes import EditConflict

pytestmark = pytest.mark.django_db


def _sign(world: World, version: CommitmentVersion, **overrides: object) -> CommitmentVersion:
    arguments: dict[str, object] = {
        "version": version,
        "expected_revision": version.revision,
        "name": "Sam Sponsor",
        "role": "Chief Executive",
        "signed_on": timezone.localdate(),
        "authority_confirmed": True,
        "by": world.sponsor,
    }
    arguments.update(overrides)
    return version_sign(**arguments)  # type: ignore[arg-type]


def _audits(version: CommitmentVersion) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="commitments.commitmentversion", object_id=str(version.pk)
        )
        .order_by("at", "id")
        .values_list("summary", flat=True)
    )


# --- Drafts ------------------------------------------------------------------------------------


def test_adopting_the_template_makes_draft_one_with_the_organisations_name(world: World) -> None:
    version = adopted(world)
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert "Home Trust" in version.text
    assert "{organisation}" not in version.text
    assert version.drafted_by == world.hr_admin
    assert _audits(version) == ["Adopted the leadership commitment template"]


def test_the_template_can_be_adopted_only_once(world: World) -> None:
    adopted(world)
    with pytest.raises(ValidationError):
        commitment_adopt_template(organisation=world.org, by=world.org_admin)
    assert CommitmentVersion.objects.count() == 1


@pytest.mark.parametrize("persona", ["carer", "champion", "sponsor", "outsider"])
def test_only_hr_and_organisation_admins_adopt(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        commitment_adopt_template(organisation=world.org, by=getattr(world, persona))


def test_editing_a_draft_saves_the_text_and_moves_the_revision_on(world: World) -> None:
    version = adopted(world)
    saved = draft_update(
        version=version, expected_revision=1, text="  Our own words.\r\n", by=world.org_admin
    )
    assert saved.text == "Our own words.\n"
    assert saved.revision == 2
    assert saved.updated_by == world.org_admin
    assert "Changed draft version 1" in _audits(version)


def test_an_edit_made_on_an_old_copy_is_refused_and_nothing_is_overwritten(world: World) -> None:
    version = adopted(world)
    draft_update(
        version=version, expected_revision=1, text="First person's words", by=world.hr_admin
    )
    with pytest.raises(CommitmentConflict) as caught:
        draft_update(
            version=version, expected_revision=1, text="Second person's words", by=world.org_admin
        )
    assert isinstance(caught.value, EditConflict)  # the API answers 409 edit_conflict
    assert "hr@example.org" in caught.value.message
    version.refresh_from_db()
    assert version.text == "First person's words\n"


def test_an_empty_draft_is_refused(world: World) -> None:
    version = adopted(world)
    with pytest.raises(ValidationError) as caught:
        draft_update(version=version, expected_revision=None, text="   ", by=world.hr_admin)
    assert "text" in caught.value.message_dict


def test_a_sponsor_cannot_edit_the_draft(world: World) -> None:
    version = adopted(world)
    with pytest.raises(PermissionDenied):
        draft_update(version=version, expected_revision=None, text="Mine", by=world.sponsor)


def test_changing_a_draft_that_is_ready_sends_it_back_to_draft(world: World) -> None:
    version = ready(world)
    assert version.status == VersionStatus.READY
    changed = draft_update(version=version, expected_revision=None, text="New", by=world.hr_admin)
    assert changed.status == VersionStatus.DRAFT
    assert changed.ready_at is None
    with pytest.raises(ValidationError):
        _sign(world, changed)


def test_marking_ready_needs_someone_who_can_sign(world: World) -> None:
    Membership.objects.filter(role=Role.SPONSOR).delete()
    with pytest.raises(ValidationError):
        draft_mark_ready(version=adopted(world), expected_revision=None, by=world.hr_admin)


def test_starting_a_new_draft_copies_the_latest_text(world: World) -> None:
    first = published(world)
    draft = commitment_start_draft(commitment=first.commitment, by=world.hr_admin)
    assert draft.number == 2
    assert draft.text == first.text
    assert draft.status == VersionStatus.DRAFT


def test_only_one_draft_at_a_time(world: World) -> None:
    version = adopted(world)
    with pytest.raises(ValidationError):
        commitment_start_draft(commitment=version.commitment, by=world.hr_admin)


# --- Signing -----------------------------------------------------------------------------------


def test_the_sponsor_signs_with_name_role_and_date(world: World) -> None:
    version = _sign(world, ready(world))
    assert version.status == VersionStatus.SIGNED
    assert version.signed_by == world.sponsor
    assert (version.signed_by_name, version.signed_by_role) == ("Sam Sponsor", "Chief Executive")
    assert version.signed_on == timezone.localdate()
    assert version.signed_at is not None
    assert _audits(version)[-1] == "Signed version 1 as Chief Executive"


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "carer", "champion", "outsider"])
def test_only_an_executive_sponsor_signs(world: World, persona: str) -> None:
    version = ready(world)
    with pytest.raises(PermissionDenied):
        _sign(world, version, by=getattr(world, persona))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY


def test_a_date_in_the_future_is_refused(world: World) -> None:
    version = ready(world)
    with pytest.raises(ValidationError) as caught:
        _sign(world, version, signed_on=timezone.localdate() + timedelta(days=1))
    assert "signed_on" in caught.value.message_dict


def test_a_date_before_the_draft_existed_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _sign(world, ready(world), signed_on=timezone.localdate() - timedelta(days=400))
    assert "signed_on" in caught.value.message_dict


def test_signing_needs_the_authority_confirmed_a_name_and_a_role(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _sign(world, ready(world), authority_confirmed=False, name=" ", role="")
    assert {"authority_confirmed", "name", "role"} <= set(caught.value.message_dict)


def test_a_draft_not_sent_for_signature_cannot_be_signed(world: World) -> None:
    with pytest.raises(ValidationError):
        _sign(world, adopted(world))


def test_the_sponsor_signs_only_the_words_they_read(world: World) -> None:
    version = ready(world)
    read_revision = version.revision
    draft_update(version=version, expected_revision=None, text="Changed", by=world.hr_admin)
    draft_mark_ready(version=version, expected_revision=None, by=world.hr_admin)
    with pytest.raises(CommitmentConflict):
        _sign(world, version, expected_revision=read_revision)


def test_a_signed_version_cannot_be_edited_or_signed_again(world: World) -> None:
    version = signed(world)
    with pytest.raises(ValidationError):
        draft_update(version=version, expected_revision=None, text="Sneaky", by=world.hr_admin)
    with pytest.raises(ValidationError):
        _sign(world, version)


def test_a_signed_version_is_immutable_at_the_model_too(world: World) -> None:
    version = signed(world)
    version.text = "Rewritten behind the service's back"
    with pytest.raises(CommitmentVersionImmutableError):
        version.save()
    fresh = CommitmentVersion.objects.get(pk=version.pk)
    fresh.signed_by_name = "Someone else"
    with pytest.raises(CommitmentVersionImmutableError):
        fresh.save()
    with pytest.raises(CommitmentVersionImmutableError):
        fresh.delete()


# --- Publishing --------------------------------------------------------------------------------


def test_publishing_a_signed_version(world: World) -> None:
    version = published(world)
    assert version.status == VersionStatus.PUBLISHED
    assert version.published_at is not None
    assert version.published_by == world.hr_admin
    assert _audits(version)[-1] == "Published version 1"


def test_a_draft_cannot_be_published(world: World) -> None:
    with pytest.raises(ValidationError):
        version_publish(version=ready(world), by=world.hr_admin)


def test_the_sponsor_cannot_publish(world: World) -> None:
    with pytest.raises(PermissionDenied):
        version_publish(version=signed(world), by=world.sponsor)


def test_a_newer_published_version_supersedes_the_older_and_history_is_kept(world: World) -> None:
    first = published(world)
    second = next_published(world, text="Version two")
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    assert first.superseded_at is not None
    assert first.text.startswith("# Our commitment")  # untouched
    assert second.status == VersionStatus.PUBLISHED
    assert CommitmentVersion.objects.count() == 2
    assert "Version 1 replaced by version 2" in _audits(first)


def test_an_older_signed_version_cannot_replace_a_newer_published_one(world: World) -> None:
    first = signed(world)
    version_withdraw(version=first, reason="Not yet", by=world.hr_admin)
    next_published(world)
    with pytest.raises(ValidationError):
        version_publish(version=first, by=world.hr_admin)


# --- Withdrawing -------------------------------------------------------------------------------


def test_withdrawing_the_published_version_needs_a_reason_and_leaves_nothing_published(
    world: World,
) -> None:
    version = published(world)
    with pytest.raises(ValidationError):
        version_withdraw(version=version, reason="  ", by=world.hr_admin)
    withdrawn = version_withdraw(version=version, reason="New chief executive", by=world.hr_admin)
    assert withdrawn.status == VersionStatus.WITHDRAWN
    assert withdrawn.withdrawn_reason == "New chief executive"
    assert withdrawn.withdrawn_by == world.hr_admin
    assert not CommitmentVersion.objects.filter(status=VersionStatus.PUBLISHED).exists()
    assert _audits(version)[-1] == "Withdrew version 1 (was published)"


def test_a_draft_cannot_be_withdrawn(world: World) -> None:
    with pytest.raises(ValidationError):
        version_withdraw(version=adopted(world), reason="Why not", by=world.hr_admin)


def test_after_withdrawing_a_new_draft_starts_from_the_withdrawn_text(world: World) -> None:
    version = published(world)
    version_withdraw(version=version, reason="Refresh", by=world.hr_admin)
    draft = commitment_start_draft(commitment=version.commitment, by=world.hr_admin)
    assert draft.number == 2
    assert draft.text == version.text


# --- Emails ------------------------------------------------------------------------------------


def test_sponsors_are_emailed_when_a_draft_is_ready(
    world: World, smtp_sink: list[Message], django_capture_on_commit_callbacks
) -> None:
    version = adopted(world)
    with django_capture_on_commit_callbacks(execute=True):
        draft_mark_ready(version=version, expected_revision=None, by=world.hr_admin)
    assert [m["To"] for m in smtp_sink] == ["sponsor@example.org"]
    assert "ready for your signature" in smtp_sink[0]["Subject"]
    parts = smtp_sink[0].get_payload()
    assert isinstance(parts, list)
    assert isinstance(parts[0], Message)
    text = parts[0].get_payload(decode=True)
    assert isinstance(text, bytes)
    body = text.decode()
    assert f"/o/home-org/commitment/versions/{version.number}/sign/" in body


def test_hr_is_emailed_when_the_sponsor_signs(
    world: World, smtp_sink: list[Message], django_capture_on_commit_callbacks
) -> None:
    version = ready(world)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(world, version)
    assert len(smtp_sink) == 1
    assert sorted(smtp_sink[0]["To"].split(", ")) == ["admin@example.org", "hr@example.org"]
    assert "has been signed" in smtp_sink[0]["Subject"]
