from __future__ import annotations

from decimal import Decimal

import factory

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    nation = Nation.ENGLAND
    sector = Sector.NHS
    size_band = SizeBand.LARGE


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Unit {n}")


class StaffRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRecord

    organisation = factory.SubFactory(OrganisationFactory)
    staff_number = factory.Sequence(lambda n: f"S{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    work_email = factory.LazyAttribute(lambda o: f"{o.staff_number.lower()}@example.org")
    days_per_week = Decimal("5.0")
    hours_per_week = Decimal("37.50")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.EMPLOYEE
