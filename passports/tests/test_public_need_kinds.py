"""``passports.public.need_kinds_of``: the kinds of need a carer chose, for their own eyes."""

from __future__ import annotations

import pytest

from organisations.models import StaffStatus
from passports.public import need_kinds_of
from passports.services import carer_declare

pytestmark = pytest.mark.django_db


def test_nothing_before_the_carer_declares(world):
    assert need_kinds_of(user=world.carer, organisation=world.org) == []


def test_the_kinds_chosen_are_read_and_unknown_ones_left_out(world):
    carer_declare(staff=world.carer_record, share_with_manager=False, by=world.carer)
    declaration = world.carer_record.carer_declaration
    declaration.need_kinds = ["older_age", "no_such_kind"]
    declaration.save()
    assert need_kinds_of(user=world.carer, organisation=world.org) == ["older_age"]
    # Another organisation's staff record is not this one.
    assert need_kinds_of(user=world.carer, organisation=world.other_org) == []


def test_nothing_once_the_carer_has_left(world):
    carer_declare(staff=world.carer_record, share_with_manager=False, by=world.carer)
    declaration = world.carer_record.carer_declaration
    declaration.need_kinds = ["older_age"]
    declaration.save()
    world.carer_record.status = StaffStatus.LEFT
    world.carer_record.save()
    assert need_kinds_of(user=world.carer, organisation=world.org) == []
