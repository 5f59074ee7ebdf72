"""What the plan services share: the refusals, and small helpers for cleaning input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Membership, Organisation
from plans.models import ActionPoint, OrgPlan, PersonalPlan, Priority
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError


class PlanConflict(EditConflict):
    """Someone else saved this after the person opened their copy; nothing was written."""

    def __init__(self, *, what: str, by_name: str, at: Any, current_version: int) -> None:
        when = long_datetime(at) if at else ""
        super().__init__(
            _(
                "%(who)s changed this %(what)s at %(when)s, after you opened it. Nothing has "
                "been saved. Check what is there now, then save again if you still want your "
                "changes."
            )
            % {"who": by_name, "what": what, "when": when},
            current_version=current_version,
        )

    @classmethod
    def about(
        cls, record: PersonalPlan | OrgPlan | Priority | ActionPoint, *, what: str
    ) -> PlanConflict:
        """The conflict over ``record`` as it is now: who saved it last, and when. A
        personal plan is only ever changed by its owner."""
        by = record.owner if isinstance(record, PersonalPlan) else record.updated_by
        return cls(
            what=what,
            by_name=display_name(by),
            at=record.updated_at,
            current_version=record.version,
        )


class ProgressKept(RuleError):
    """A delete refused because progress has been reported: the history stays (the model
    promises it), so nothing was deleted. Mark the action done, or keep the plan."""

    status = 409
    title = "Progress has been reported"

    def __init__(self, message: str) -> None:
        super().__init__("has_progress", message)


def changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def clean(value: str | None) -> str:
    return (value or "").strip()


def is_member(user: User, organisation: Organisation) -> bool:
    return Membership.objects.with_power().filter(user=user, organisation=organisation).exists()


def require_manager(organisation: Organisation, by: User) -> None:
    if not by.has_perm("plans.manage_org_plans", organisation):
        raise PermissionDenied("Only HR admins and organisation admins change plans")


def save_edit(
    locked: OrgPlan | Priority | ActionPoint,
    *,
    by: User,
    channel: Channel,
    organisation_id: int,
    summary: str,
    changed: list[str],
) -> None:
    """Save a changed row of an organisation plan: a new version, who changed it, and the
    audit entry naming the fields. Callers return early when nothing changed."""
    locked.version += 1
    locked.updated_by = by
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=organisation_id,
        summary=summary,
        changes={"fields": changed},
    )
