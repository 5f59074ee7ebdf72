"""Deputies: someone who decides a manager's team's requests while the manager is away.

Every decision a deputy makes records whom they acted for.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from leave.models import Deputy
from leave.services import LeaveRuleError
from organisations.models import StaffRecord, StaffStatus


def acting_for(*, user: User, manager: StaffRecord | None, on: date) -> bool:
    """Whether ``user`` is an active deputy for ``manager`` on ``on``."""
    if manager is None:
        return False
    return Deputy.objects.filter(
        manager=manager,
        deputy__user=user,
        deputy__status=StaffStatus.ACTIVE,
        from_date__lte=on,
        to_date__gte=on,
    ).exists()


def managers_deputised(*, deputy: StaffRecord, on: date) -> list[int]:
    """Staff ids of the managers ``deputy`` stands in for on ``on``."""
    return list(
        Deputy.objects.filter(deputy=deputy, from_date__lte=on, to_date__gte=on).values_list(
            "manager_id", flat=True
        )
    )


@transaction.atomic
def deputy_appoint(
    *,
    manager: StaffRecord,
    deputy_number: str,
    from_date: date,
    to_date: date,
    by: User,
    today: date,
) -> Deputy:
    if manager.user_id != by.pk:
        raise PermissionDenied("Managers appoint their own deputies")
    deputy = StaffRecord.objects.filter(
        organisation_id=manager.organisation_id, staff_number=deputy_number.strip()
    ).first()
    if deputy is None or deputy.status != StaffStatus.ACTIVE or deputy.user_id is None:
        raise LeaveRuleError(
            "deputy_unknown", _("Choose a colleague in post here who has an account.")
        )
    if deputy.pk == manager.pk:
        raise LeaveRuleError("deputy_self", _("You cannot be your own deputy."))
    if to_date < from_date or to_date < today:
        raise LeaveRuleError(
            "deputy_dates",
            _("The end date must be on or after the start date, and not in the past."),
        )
    appointment = Deputy.objects.create(
        manager=manager, deputy=deputy, from_date=from_date, to_date=to_date, created_by=by
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=Channel.WEB,
        target=appointment,
        organisation_id=manager.organisation_id,
        summary=f"{deputy.full_name} deputises for {manager.full_name} {from_date} to {to_date}",
    )
    return appointment
