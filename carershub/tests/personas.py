"""The people every test can ask for by name (STYLE.md habit 10).

``org`` is the home organisation; ``outsider`` belongs to ``other_org`` only.
HR and admin personas have TOTP set up, as the product requires.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import User
from organisations.models import Membership, Organisation, PartnershipLead, Role, StaffRecord
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
    carer_record: StaffRecord
    manager_record: StaffRecord
    outsider_record: StaffRecord

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
)


def _member(org: Organisation, email: str, *roles: Role, mfa: bool = False) -> User:
    user = UserFactory(email=email)
    for role in (Role.EMPLOYEE, *roles):
        Membership.objects.get_or_create(user=user, organisation=org, role=role)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def world(db: None) -> World:
    partnership = PartnershipFactory()
    org = OrganisationFactory(partnership=partnership, slug="home-org", name="Home Trust")
    other_org = OrganisationFactory(partnership=partnership, slug="other-org", name="Other Council")
    unit = UnitFactory(organisation=org, code="WARD1", name="Ward 1")
    UnitFactory(organisation=other_org, code="WARD1", name="Other ward")

    manager = _member(org, "manager@example.org")
    new_manager = _member(org, "new.manager@example.org")
    carer = _member(org, "carer@example.org")
    manager_record = StaffRecordFactory(
        organisation=org, staff_number="M001", user=manager, unit=unit
    )
    StaffRecordFactory(organisation=org, staff_number="M002", user=new_manager, unit=unit)
    carer_record = StaffRecordFactory(
        organisation=org, staff_number="C001", user=carer, unit=unit, line_manager=manager_record
    )
    outsider = _member(other_org, "outsider@example.org", Role.HR_ADMIN, Role.ORG_ADMIN, mfa=True)
    outsider_record = StaffRecordFactory(organisation=other_org, staff_number="C001", user=outsider)
    lead = UserFactory(email="lead@example.org")
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
        carer_record=carer_record,
        manager_record=manager_record,
        outsider_record=outsider_record,
    )
