from __future__ import annotations

from decimal import Decimal

import factory.django

# factory/__init__.py re-exports these without marking them public, so strict mypy only
# sees them in the modules that define them.
from factory.declarations import (
    LazyAttribute,
    PostGeneration,
    PostGenerationMethodCall,
    Sequence,
    SubFactory,
)
from factory.faker import Faker

from accounts.models import User
from organisations.models import (
    Membership,
    Nation,
    Organisation,
    Partnership,
    Role,
    Sector,
    SizeBand,
    StaffRecord,
    Unit,
)


def _save_created(user: User, create: bool, extracted: object, **kwargs: object) -> None:
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"person{n}@example.org")
    first_name = Faker("first_name")
    last_name = Faker("last_name")
    password = PostGenerationMethodCall("set_password", "correct horse battery")

    # skip_postgeneration_save turns off factory_boy's own save, so save after set_password.
    _save = PostGeneration(_save_created)


class PartnershipFactory(factory.django.DjangoModelFactory[Partnership]):
    class Meta:
        model = Partnership

    name = Sequence(lambda n: f"Partnership {n}")
    slug = Sequence(lambda n: f"partnership-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = Sequence(lambda n: f"Organisation {n}")
    slug = Sequence(lambda n: f"org-{n}")
    nation = Nation.ENGLAND
    sector = Sector.NHS
    size_band = SizeBand.LARGE


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    organisation = SubFactory(OrganisationFactory)
    code = Sequence(lambda n: f"U{n:03d}")
    name = Sequence(lambda n: f"Unit {n}")


class StaffRecordFactory(factory.django.DjangoModelFactory[StaffRecord]):
    class Meta:
        model = StaffRecord

    organisation = SubFactory(OrganisationFactory)
    staff_number = Sequence(lambda n: f"S{n:06d}")
    first_name = Faker("first_name")
    last_name = Faker("last_name")
    work_email = LazyAttribute(lambda o: f"{o.staff_number.lower()}@example.org")
    days_per_week = Decimal("5.0")
    hours_per_week = Decimal("37.50")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = SubFactory(UserFactory)
    organisation = SubFactory(OrganisationFactory)
    role = Role.EMPLOYEE
