"""Nobody learns of a passport they were not shared, and signatures and agreed terms mean
what they say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from audit.selectors import events_for_organisation
from organisations.models import StaffRecord
from passports.models import AdjustmentStatus, AgreedVersion, Passport
from passports.services import (
    PassportConflict,
    adjustment_update,
    passport_set_review,
    passport_sign,
    passport_update_about,
    shares_close_stale,
)
from passports.tests.helpers import declared, with_adjustment


def test_signing_an_unshared_passport_emails_nobody(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    passport = declared(world, share=False)
    with_adjustment(passport, world)
    passport.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    assert smtp_sink == []


def test_a_manager_is_told_who_changed_what_but_not_the_old_words(world):
    passport = declared(world)
    with pytest.raises(PassportConflict) as clash:
        passport_set_review(
            passport=passport,
            expected_version=1,
            next_review_on=timezone.localdate() + timedelta(days=30),
            by=world.manager,
        )
    text = " ".join(clash.value.describe())
    assert "about my caring role" in text
    assert "my dad" not in text


def test_a_signature_from_a_manager_who_moved_on_does_not_make_an_agreement(world):
    passport = declared(world)
    with_adjustment(passport, world, agreed=True)
    passport.refresh_from_db()
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    world.carer_record.line_manager = StaffRecord.objects.get(user=world.new_manager)
    world.carer_record.save()
    shares_close_stale(organisation_id=world.org.pk)
    passport = Passport.objects.get(pk=passport.pk)
    result = passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    assert result.agreed is None
    assert not AgreedVersion.objects.exists()


def test_changing_the_terms_of_an_agreed_adjustment_asks_for_it_again(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world, agreed=True)
    changed = adjustment_update(
        adjustment=adjustment,
        expected_version=None,
        details="Start any time before 11",
        status=AdjustmentStatus.AGREED,
        review_on=adjustment.review_on,
        by=world.carer,
    )
    assert changed.status == AdjustmentStatus.REQUESTED


def test_the_manager_cannot_rewrite_what_the_carer_asked_for(world):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    with pytest.raises(ValidationError):
        adjustment_update(
            adjustment=adjustment,
            expected_version=None,
            details="Something else entirely",
            status=AdjustmentStatus.AGREED,
            review_on=None,
            by=world.manager,
        )


@pytest.mark.parametrize("persona", ["hr_admin", "org_admin", "new_manager"])
def test_services_refuse_people_the_carer_did_not_share_with(world, persona):
    passport = declared(world)
    adjustment = with_adjustment(passport, world)
    with pytest.raises(PermissionDenied):
        adjustment_update(
            adjustment=adjustment,
            expected_version=None,
            details=adjustment.details,
            status=AdjustmentStatus.AGREED,
            review_on=None,
            by=world.persona(persona),
        )
    with pytest.raises(PermissionDenied):
        passport_update_about(
            passport=passport,
            expected_version=None,
            about_caring="x",
            plan_b_contacts="",
            plan_b_at_work="",
            by=world.persona(persona),
        )


def test_making_a_personal_token_is_not_in_the_organisation_log(world):
    api_token_create(
        user=world.carer, organisation=world.org, name="Mine", channel=Channel.WEB, personal=True
    )
    assert AuditEvent.objects.filter(object_type="api.apitoken").exists()
    assert (
        not events_for_organisation(organisation_id=world.org.pk)
        .filter(object_type="api.apitoken")
        .exists()
    )


def test_the_django_admin_audit_list_leaves_out_passport_events(world):
    from django.contrib.admin.sites import site

    from audit.admin import AuditEventAdmin

    declared(world)
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = world.org_admin
    events = AuditEventAdmin(AuditEvent, site).get_queryset(request)
    assert not events.filter(object_type__startswith="passports.").exists()
    assert AuditEvent.objects.filter(object_type="passports.passport").exists()
