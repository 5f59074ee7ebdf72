"""Staff who learn, for the completion-figure tests (learning's and benchmarks'): people in post
with accounts, some of whom passed a module, written straight to the tables so a test of
figures need not sit every quiz."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from learning.models import ModuleProgress
from organisations.models import Membership, Organisation, Role, StaffRecord, StaffStatus, Unit
from organisations.tests.factories import StaffRecordFactory, UserFactory


def people(
    organisation: Organisation,
    n: int,
    *,
    unit: Unit | None = None,
    status: str = StaffStatus.ACTIVE,
    account: bool = True,
    role: Role | None = None,
    manages: bool = False,
) -> list[StaffRecord]:
    """``n`` staff records; with ``manages``, each line manages one person in post (who has no
    account, so is counted in no group)."""
    records = []
    for _ in range(n):
        user = UserFactory.create() if account else None
        record = StaffRecordFactory.create(
            organisation=organisation, unit=unit, status=status, user=user
        )
        if user is not None:
            Membership.objects.create(user=user, organisation=organisation, role=Role.EMPLOYEE)
            if role is not None:
                Membership.objects.create(user=user, organisation=organisation, role=role)
        if manages:
            StaffRecordFactory.create(organisation=organisation, line_manager=record)
        records.append(record)
    return records


def pass_(records: list[StaffRecord], module: str, *, version: int = 1) -> None:
    """Each record's person passed ``module`` on ``version``."""
    for record in records:
        assert isinstance(record.user, User)
        ModuleProgress.objects.create(
            organisation=record.organisation,
            user=record.user,
            module=module,
            module_version=version,
            completed_at=timezone.now(),
        )


def start(records: list[StaffRecord], module: str) -> None:
    """Each record's person started ``module`` but has not passed it."""
    for record in records:
        assert isinstance(record.user, User)
        ModuleProgress.objects.create(
            organisation=record.organisation,
            user=record.user,
            module=module,
            module_version=1,
            lessons_done=["who-carers-are"],
        )
