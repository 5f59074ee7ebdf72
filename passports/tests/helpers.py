"""Small builders for passport tests (the personas come from carershub/tests/personas.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from carershub.tests.personas import World
from passports.models import Adjustment, AdjustmentStatus, Passport
from passports.services import (
    adjustment_add,
    adjustment_update,
    carer_declare,
    passport_sign,
    passport_update_about,
)


def declared(world: World, *, share: bool = True) -> Passport:
    """The carer persona has declared, written a little and (by default) shared with Mo."""
    carer_declare(
        staff=world.carer_record,
        relationship="parent",
        need_kinds=["older_age"],
        hours_band="10_19",
        share_with_manager=share,
        by=world.carer,
    )
    passport = Passport.objects.get(staff=world.carer_record)
    passport_update_about(
        passport=passport,
        expected_version=None,
        about_caring="I help my dad most mornings.",
        plan_b_contacts="My sister, 07700 900000",
        plan_b_at_work="Tell the ward sister; my tasks can wait.",
        by=world.carer,
    )
    return Passport.objects.get(pk=passport.pk)


def with_adjustment(passport: Passport, world: World, *, agreed: bool = False) -> Adjustment:
    adjustment = adjustment_add(
        passport=passport,
        expected_version=None,
        kind="flexible_hours",
        details="Start between 8 and 9:30",
        review_on=timezone.localdate() + timedelta(days=180),
        by=world.carer,
    )
    if agreed:
        adjustment = adjustment_update(
            adjustment=adjustment,
            expected_version=None,
            details=adjustment.details,
            status=AdjustmentStatus.AGREED,
            review_on=adjustment.review_on,
            by=world.manager,
        )
    return adjustment


def agreed_passport(world: World) -> Passport:
    passport = declared(world)
    with_adjustment(passport, world, agreed=True)
    passport.refresh_from_db()
    passport_sign(passport=passport, expected_version=passport.version, by=world.carer)
    passport_sign(passport=passport, expected_version=passport.version, by=world.manager)
    return Passport.objects.get(pk=passport.pk)
