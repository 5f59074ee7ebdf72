from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from organisations.models import StaffRecord
from passports.models import (
    Adjustment,
    AdjustmentStatus,
    AgreedVersion,
    AgreedVersionImmutableError,
    CarerDeclaration,
    Conversation,
    Passport,
    PassportRevision,
    PassportShare,
    ShareEndReason,
)
from passports.services import (
    PassportConflict,
    adjustment_update,
    carer_declare,
    carer_forget,
    conversation_record,
    passport_set_review,
    passport_share,
    passport_sign,
    passport_unshare,
    passport_update_about,
    shares_close_stale,
)
from passports.tests.helpers import agreed_passport, declared, with_adjustment


def test_declaring_creates_an_empty_passport_shared_with_the_line_manager(world):
    carer_declare(staff=world.carer_record, share_with_manager=True, by=world.carer)
    passport = Passport.objects.get(staff=world.carer_record)
    share = PassportShare.objects.get(passport=passport)
    assert share.with_staff == world.manager_record
    assert share.ended_at is None
    # Counting is consent for special-category data: never assumed.
    assert CarerDeclaration.objects.get(staff=world.carer_record).include_in_counts is False


def test_nobody_can_declare_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        carer_declare(staff=world.carer_record, by=world.manager)


def test_declaration_refuses_categories_outside_the_lists(world):
    with pytest.raises(ValidationError) as error:
        carer_declare(staff=world.carer_record, need_kinds=["diagnosis"], by=world.carer)
    assert "need_kinds" in error.value.message_dict
    assert not Passport.objects.exists()


def test_a_passport_can_only_be_shared_with_the_current_line_manager(world):
    world.carer_record.line_manager = None
    world.carer_record.save()
    carer_declare(staff=world.carer_record, by=world.carer)
    passport = Passport.objects.get(staff=world.carer_record)
    with pytest.raises(ValidationError):
        passport_share(passport=passport, by=world.carer)
    with pytest.raises(PermissionDenied):
        passport_share(passport=passport, by=world.manager)


def test_an_edit_on_an_old_copy_is_refused_and_says_who_changed_what(world):
    passport = declared(world)
    seen_version = passport.version
    passport_set_review(
        passport=passport,
        expected_version=seen_version,
        next_review_on=timezone.localdate() + timedelta(days=90),
        by=world.manager,
    )
    with pytest.raises(PassportConflict) as clash:
        passport_update_about(
            passport=passport,
            expected_version=seen_version,
            about_caring="Changed",
            plan_b_contacts="",
            plan_b_at_work="",
            by=world.carer,
        )
    lead, *changes = clash.value.describe()
    assert "your changes have not been saved" in lead
    assert len(changes) == 1
    assert "next review date" in changes[0]
    assert Passport.objects.get(pk=passport.pk).about_caring == "I help my dad most mornings."


def test_only_the_manager_agrees_or_declines_an_adjustment(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    with pytest.raises(ValidationError) as error:
        adjustment_update(
            adjustment=adjustment,
            expected_version=None,
            details=adjustment.details,
            status=AdjustmentStatus.AGREED,
            review_on=None,
            by=world.carer,
        )
    assert "status" in error.value.message_dict
    ended = adjustment_update(
        adjustment=adjustment,
        expected_version=None,
        details=adjustment.details,
        status=AdjustmentStatus.ENDED,
        review_on=None,
        by=world.carer,
    )
    assert ended.status == AdjustmentStatus.ENDED


def test_the_manager_cannot_sign_while_a_request_is_undecided(world):
    passport = declared(world)
    with_adjustment(passport, world)
    passport.refresh_from_db()
    with pytest.raises(ValidationError):
        passport_sign(passport=passport, expected_version=passport.version, by=world.manager)


def test_both_signatures_on_the_same_draft_freeze_a_numbered_version(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    passport = declared(world)
    with_adjustment(passport, world, agreed=True)
    passport.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        first = passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    assert first.agreed is None
    assert first.waiting_for == "manager"
    assert [m["To"] for m in smtp_sink] == ["manager@example.org"]
    second = passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    assert second.agreed is not None
    assert second.agreed.number == 1
    content = second.agreed.content
    assert content["adjustments"][0]["status"] == "agreed"
    assert content["plan_b_contacts"] == "My sister, 07700 900000"


def test_a_change_after_signing_clears_signatures_and_keeps_the_agreed_version(world):
    passport = agreed_passport(world)
    passport_update_about(
        passport=passport,
        expected_version=passport.version,
        about_caring="Things changed",
        plan_b_contacts=passport.plan_b_contacts,
        plan_b_at_work=passport.plan_b_at_work,
        by=world.carer,
    )
    passport.refresh_from_db()
    assert passport.carer_signed_version is None
    assert passport.manager_signed_version is None
    version = AgreedVersion.objects.get(passport=passport)
    assert version.content["about_caring"] == "I help my dad most mornings."
    passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    assert list(
        AgreedVersion.objects.filter(passport=passport).values_list("number", flat=True)
    ) == [2, 1]


def test_agreed_versions_cannot_be_changed_or_deleted_one_by_one(world):
    version = AgreedVersion.objects.get(passport=agreed_passport(world))
    version.manager_name = "Someone else"
    with pytest.raises(AgreedVersionImmutableError):
        version.save()
    with pytest.raises(AgreedVersionImmutableError):
        version.delete()


def test_a_manager_who_was_not_shared_with_cannot_sign(world):
    passport = declared(world, share=False)
    with_adjustment(passport, world)
    passport.refresh_from_db()
    with pytest.raises(PermissionDenied):
        passport_sign(passport=passport, expected_version=passport.version, by=world.manager)


def test_conversations_cannot_be_dated_in_the_future(world):
    passport = declared(world)
    with pytest.raises(ValidationError):
        conversation_record(
            passport=passport,
            held_on=timezone.localdate() + timedelta(days=1),
            notes="Later",
            by=world.manager,
        )
    conversation_record(
        passport=passport, held_on=timezone.localdate(), notes="Met", by=world.manager
    )
    assert Conversation.objects.get().recorded_by_name


def test_previous_manager_loses_access_when_line_manager_changes(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    passport = declared(world)
    assert world.manager.has_perm("passports.view_passport", passport)
    new_manager_record = StaffRecord.objects.get(user=world.new_manager)
    world.carer_record.line_manager = new_manager_record
    world.carer_record.save()
    passport = Passport.objects.get(pk=passport.pk)
    # Access goes at once, before any clean-up runs.
    assert not world.manager.has_perm("passports.view_passport", passport)
    assert not world.new_manager.has_perm("passports.view_passport", passport)
    with django_capture_on_commit_callbacks(execute=True):
        assert shares_close_stale(organisation_id=world.org.pk) == 1
    share = PassportShare.objects.get(passport=passport)
    assert share.ended_reason == ShareEndReason.MANAGER_CHANGED
    assert [m["To"] for m in smtp_sink] == ["carer@example.org"]
    assert "line manager has changed" in smtp_sink[0]["Subject"]


def test_withdrawing_sharing_cuts_the_manager_off(world):
    passport = declared(world)
    passport_unshare(passport=passport, by=world.carer)
    passport = Passport.objects.get(pk=passport.pk)
    assert not world.manager.has_perm("passports.view_passport", passport)
    assert world.carer.has_perm("passports.view_passport", passport)


def test_forgetting_removes_everything_and_the_audit_keeps_only_the_fact(world):
    passport = agreed_passport(world)
    conversation_record(
        passport=passport, held_on=timezone.localdate(), notes="Secret words", by=world.manager
    )
    pk = passport.pk
    carer_forget(staff=world.carer_record, by=world.carer)
    for model in (
        Passport,
        CarerDeclaration,
        Adjustment,
        Conversation,
        AgreedVersion,
        PassportShare,
        PassportRevision,
    ):
        assert not model.objects.exists(), model
    events = AuditEvent.objects.filter(object_type="passports.passport", object_id=str(pk))
    assert events.filter(action="delete").count() == 1
    text = " ".join(f"{e.summary} {e.changes}" for e in events)
    for secret in ("Secret words", "my dad", "07700", "Start between"):
        assert secret not in text
