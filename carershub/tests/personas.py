"""The people every test can ask for by name (STYLE.md habit 10).

``org`` is the home organisation; ``outsider`` belongs to ``other_org`` only.
HR and admin personas have TOTP set up, as the product requires.

``leaver`` has been marked as left in ``org`` but still holds every role there, manages the
manager and is named as the manager's deputy: every one of those powers must be void.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from accounts.models import User
from leave.models import Deputy
from organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffRecord,
    StaffStatus,
)
from organisations.tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    StaffRecordFactory,
    UnitFactory,
    UserFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    carer: User
    manager: User
    new_manager: User
    hr_admin: User
    org_admin: User
    champion: User
    sponsor: User
    outsider: User
    lead: User
    leaver: User
    carer_record: StaffRecord
    manager_record: StaffRecord
    outsider_record: StaffRecord
    leaver_record: StaffRecord

    @property
    def partnership(self) -> Partnership:
        """The partnership ``org`` belongs to; the fixture always gives it one."""
        assert self.org.partnership is not None
        return self.org.partnership

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = (
    "anonymous",
    "carer",
    "manager",
    "hr_admin",
    "org_admin",
    "champion",
    "sponsor",
    "outsider",
    "lead",
    "leaver",
)


def _member(org: Organisation, email: str, *roles: Role, mfa: bool = False) -> User:
    user = UserFactory.create(email=email)
    for role in (Role.EMPLOYEE, *roles):
        Membership.objects.get_or_create(user=user, organisation=org, role=role)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def world(db: None) -> World:
    partnership = PartnershipFactory.create()
    org = OrganisationFactory.create(partnership=partnership, slug="home-org", name="Home Trust")
    other_org = OrganisationFactory.create(
        partnership=partnership, slug="other-org", name="Other Council"
    )
    unit = UnitFactory.create(organisation=org, code="WARD1", name="Ward 1")
    UnitFactory.create(organisation=other_org, code="WARD1", name="Other ward")

    leaver = _member(
        org,
        "leaver@example.org",
        Role.HR_ADMIN,
        Role.ORG_ADMIN,
        Role.CHAMPION,
        Role.SPONSOR,
        mfa=True,
    )
    leaver_record = StaffRecordFactory.create(
        organisation=org,
        staff_number="L001",
        user=leaver,
        unit=unit,
        status=StaffStatus.LEFT,
        left_on=date(2026, 1, 31),
    )
    manager = _member(org, "manager@example.org")
    new_manager = _member(org, "new.manager@example.org")
    carer = _member(org, "carer@example.org")
    manager_record = StaffRecordFactory.create(
        organisation=org, staff_number="M001", user=manager, unit=unit, line_manager=leaver_record
    )
    # Named as the manager's deputy before leaving, for dates that include today.
    Deputy.objects.create(
        manager=manager_record,
        deputy=leaver_record,
        from_date=timezone.localdate() - timedelta(days=30),
        to_date=timezone.localdate() + timedelta(days=365),
        created_by=manager,
    )
    StaffRecordFactory.create(organisation=org, staff_number="M002", user=new_manager, unit=unit)
    carer_record = StaffRecordFactory.create(
        organisation=org, staff_number="C001", user=carer, unit=unit, line_manager=manager_record
    )
    outsider = _member(other_org, "outsider@example.org", Role.HR_ADMIN, Role.ORG_ADMIN, mfa=True)
    outsider_record = StaffRecordFactory.create(
        organisation=other_org, staff_number="C001", user=outsider
    )
    lead = UserFactory.create(email="lead@example.org")
    PartnershipLead.objects.create(user=lead, partnership=partnership)
    TOTP.activate(lead, TOTP_SECRET)
    return World(
        org=org,
        other_org=other_org,
        carer=carer,
        manager=manager,
        new_manager=new_manager,
        hr_admin=_member(org, "hr@example.org", Role.HR_ADMIN, mfa=True),
        org_admin=_member(org, "admin@example.org", Role.ORG_ADMIN, mfa=True),
        champion=_member(org, "champion@example.org", Role.CHAMPION),
        sponsor=_member(org, "sponsor@example.org", Role.SPONSOR),
        outsider=outsider,
        lead=lead,
        leaver=leaver,
        carer_record=carer_record,
        manager_record=manager_record,
        outsider_record=outsider_record,
        leaver_record=leaver_record,
    )
