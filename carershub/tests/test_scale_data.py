"""The synthetic data's shape at a small size: counts, chain depths, states."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from carershub.scale_data import (
    PASSPORT_STATES,
    bench_people,
    chain_depth,
    generate_scale_data,
    level_sizes,
    organisation_sizes,
)
from organisations.models import Organisation, StaffRecord
from passports.models import AgreedVersion, CarerDeclaration, Passport, PassportShare


def _depth(record: StaffRecord, managers: Mapping[int, int | None]) -> int:
    depth, current = 1, managers[record.pk]
    while current is not None:
        depth, current = depth + 1, managers[current]
    return depth


@pytest.mark.parametrize(
    ("size", "expected"), [(20, 4), (50, 5), (2_000, 6), (28_000, 7), (1_500_000, 7)]
)
def test_chains_are_four_to_seven_levels_by_size(size, expected):
    assert chain_depth(size) == expected
    levels = level_sizes(size, expected)
    assert sum(levels) == size
    assert levels[0] == 1


def test_organisation_sizes_add_up_and_are_reproducible():
    import random

    first = organisation_sizes(100_000, 20, random.Random(1))
    assert sum(first) == 100_000
    assert first == organisation_sizes(100_000, 20, random.Random(1))
    assert max(first) > 2 * min(first)


@pytest.mark.django_db
def test_generated_data_has_the_promised_shape():
    report = generate_scale_data(staff=3_000, organisations=3, seed=7)
    assert report.staff == StaffRecord.objects.count() == 3_000
    assert Organisation.objects.count() == 3
    managers = dict(StaffRecord.objects.values_list("pk", "line_manager_id"))
    for organisation in Organisation.objects.all():
        # Each organisation's management chains run 4 to 7 levels from the top.
        deepest = max(_depth(r, managers) for r in organisation.staff_records.all())
        assert 4 <= deepest <= 7
    carers = CarerDeclaration.objects.count()
    assert 0.15 * 3_000 < carers < 0.25 * 3_000
    assert set(report.passports_by_state) == set(PASSPORT_STATES)
    assert Passport.objects.count() == carers
    assert AgreedVersion.objects.exists()
    # Every share is with the carer's own line manager, so the access rules hold.
    assert not PassportShare.objects.exclude(with_staff=F("passport__staff__line_manager")).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people():
    generate_scale_data(staff=200, organisations=1, seed=3)
    first = list(
        StaffRecord.objects.order_by("staff_number").values_list(
            "staff_number", "first_name", "line_manager__staff_number"
        )
    )
    StaffRecord.objects.all().update(line_manager=None)
    from organisations.models import Partnership

    # Throw the data away, then build it again from the same seed.
    for model in (Passport, CarerDeclaration):
        model.objects.all().delete()
    StaffRecord.objects.all().delete()
    from organisations.models import Unit

    Unit.objects.filter(parent__isnull=False, children__isnull=True).delete()
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()
    from accounts.models import User

    User.objects.all().delete()
    Organisation.objects.all().delete()
    Partnership.objects.all().delete()
    generate_scale_data(staff=200, organisations=1, seed=3)
    second = list(
        StaffRecord.objects.order_by("staff_number").values_list(
            "staff_number", "first_name", "line_manager__staff_number"
        )
    )
    assert first == second


@pytest.mark.django_db
def test_the_command_refuses_to_load_twice_and_bench_people_can_see_their_pages():
    call_command("generate_scale_data", "--staff", "500", "--organisations", "1")
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--staff", "500")
    people = bench_people(password="bench password 1")
    assert people.manager.has_perm("passports.view_passport", people.carer_passport)
    assert people.carer.has_perm("passports.own_passport", people.carer_passport)


def test_the_bench_knows_which_version_of_the_data_it_expects():
    from bench.run import DATA_VERSION_NAME
    from carershub.scale_data import PARTNERSHIP_NAME

    assert DATA_VERSION_NAME == PARTNERSHIP_NAME
