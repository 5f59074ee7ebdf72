"""Passports' part of the demo: the carer's passport, agreed with their manager, and colleagues
who said they are carers and agreed to be counted, so that HR's figures show something."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation, StaffRecord, StaffStatus
from passports.models import AdjustmentStatus, CarerDeclaration, Passport
from passports.services import (
    adjustment_add,
    adjustment_update,
    carer_declare,
    conversation_record,
    passport_set_review,
    passport_sign,
    passport_update_about,
)


def seed(*, organisation: Organisation, carer: User, manager: User) -> None:
    """The carer's passport, agreed and signed with the manager once, and one new request
    waiting since."""
    today = timezone.localdate()
    carer_record = StaffRecord.objects.get(user=carer, organisation=organisation)
    carer_declare(
        staff=carer_record,
        relationship="parent",
        need_kinds=["older_age"],
        hours_band="10_19",
        share_with_manager=True,
        by=carer,
    )
    passport = Passport.objects.get(staff=carer_record)
    passport_update_about(
        passport=passport,
        expected_version=None,
        about_caring="I look after my mum, who lives alone ten minutes away. I call in before "
        "work and most evenings, and take her to hospital appointments.",
        plan_b_contacts="My brother Tom (07700 900123) can go round if I cannot.",
        plan_b_at_work="Tell the ward manager; my handover notes are in the shared folder.",
        by=carer,
    )
    for kind, details in (
        ("flexible_hours", "Start any time between 8:00 and 9:30, finishing later to match."),
        ("phone_access", "Keep my phone with me on shift to take calls from mum's carers."),
    ):
        adjustment = adjustment_add(
            passport=passport,
            expected_version=None,
            kind=kind,
            details=details,
            review_on=today + timedelta(days=180),
            by=carer,
        )
        adjustment_update(
            adjustment=adjustment,
            expected_version=None,
            details=details,
            status=AdjustmentStatus.AGREED,
            review_on=adjustment.review_on,
            by=manager,
        )
    conversation_record(
        passport=passport,
        held_on=today - timedelta(days=3),
        notes="Talked about mornings and appointments. Agreed the flexible start and phone.",
        by=manager,
    )
    passport_set_review(
        passport=passport,
        expected_version=None,
        next_review_on=today + timedelta(days=330),
        by=manager,
    )
    passport.refresh_from_db()
    passport_sign(passport=passport, expected_version=passport.version, by=carer)
    passport_sign(passport=passport, expected_version=passport.version, by=manager)
    adjustment_add(
        passport=passport,
        expected_version=None,
        kind="appointments",
        details="Two hours each month for mum's clinic, made up the same week.",
        review_on=None,
        by=carer,
    )


#: Roughly the share of staff who tell their employer and agree to be counted.
COUNTED_SHARE = 0.125


def seed_counted_colleagues(*, organisations: list[Organisation]) -> int:
    """Declarations, counted, for about one in eight of the made-up staff records with no
    login in each organisation, spread over its units by a fixed seed. They have no passport:
    they only make the anonymised figures (``insights``) and benchmarks' live evidence show
    something. Returns how many were made."""
    # A fixed seed, not a secret: the same demo figures on every machine.
    rng = random.Random(7)  # noqa: S311
    made: list[CarerDeclaration] = []
    for organisation in organisations:
        records = StaffRecord.objects.filter(
            organisation=organisation,
            status=StaffStatus.ACTIVE,
            user__isnull=True,
            carer_declaration__isnull=True,
        ).order_by("pk")
        made.extend(
            CarerDeclaration(staff=record, include_in_counts=True)
            for record in records
            if rng.random() < COUNTED_SHARE
        )
    CarerDeclaration.objects.bulk_create(made)
    return len(made)
