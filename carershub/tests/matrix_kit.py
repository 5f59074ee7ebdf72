"""What every app's permission-matrix fragment is written with (``<app>/tests/matrix.py``).

``carershub/tests/test_permission_matrix.py`` merges the fragments and walks every URL with
them; this module holds the personas, the ``Spec`` of one URL and the builders the fragments
share, so no fragment imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from carershub.tests.personas import PERSONAS
from leave import statutory
from leave.models import CarersLeaveRequest, FlexibleWorkingRequest
from organisations.models import (
    Invitation,
    InvitationBatch,
    Membership,
    Nation,
    Organisation,
    Partnership,
    StaffImport,
    StaffRecord,
)
from passports.models import Adjustment, Passport

ANON = "anonymous"
EVERYONE = PERSONAS
MEMBERS = ("carer", "manager", "hr_admin", "org_admin", "champion", "sponsor")
HR = ("hr_admin", "org_admin")
ORG_ADMIN = ("org_admin",)


def expect(
    allowed: tuple[str, ...], ok: int, *, denied: int = 403, anon: int = 302, stranger: int = 404
) -> dict[str, int]:
    """Statuses in the home organisation: members without the role get ``denied``."""
    # Someone marked as left holds no power: whatever roles and relationships they had, they
    # are refused like a member without the role (pages about their own records aside).
    result = {ANON: anon, "outsider": stranger, "lead": stranger, "leaver": denied}
    for persona in MEMBERS:
        result[persona] = ok if persona in allowed else denied
    return result


@dataclass
class Targets:
    org: Organisation
    staff: StaffRecord
    staff_import: StaffImport
    token_id: int
    membership: Membership
    leave: CarersLeaveRequest
    invitation: Invitation
    invitation_batch: InvitationBatch
    flexible: FlexibleWorkingRequest
    passport: Passport
    adjustment: Adjustment

    @property
    def partnership(self) -> Partnership:
        """The partnership ``org`` belongs to; both organisations in the world have one."""
        assert self.org.partnership is not None
        return self.org.partnership


@dataclass
class Spec:
    method: str
    expected: dict[str, int]
    kwargs: Callable[[Targets], dict[str, Any]] = lambda t: {}
    data: dict[str, Any] | None = None
    api: bool = False
    tenant: bool = False  # scoped to an organisation: also tried against the other one
    cross: bool = False  # takes an object id: also tried with the other organisation's id
    #: The role is checked before the object is looked up, so a member without the role
    #: gets 403 even for another organisation's id. Object-first pages answer 404.
    role_first: bool = True
    #: What the outsider gets on the other organisation's copy, when it differs from what
    #: an organisation admin gets here (they own the other organisation's objects).
    foreign_outsider: int | None = None

    def __or__(self, overrides: dict[str, int]) -> Spec:
        """The same spec with some personas' expected statuses replaced."""
        return replace(self, expected={**self.expected, **overrides})


def org(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug}


def staff(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": t.staff.pk}


def page(allowed: tuple[str, ...], **kw: Any) -> Spec:
    return Spec("GET", expect(allowed, 200), kw.pop("kwargs", org), tenant=True, **kw)


def action(
    allowed: tuple[str, ...],
    kwargs: Callable[[Targets], dict[str, Any]],
    data: dict[str, Any] | None = None,
) -> Spec:
    return Spec("POST", expect(allowed, 302), kwargs, data=data, tenant=True, cross=True)


def api(
    method: str,
    allowed: tuple[str, ...],
    ok: int,
    *,
    kwargs: Callable[[Targets], dict[str, Any]] = lambda t: {},
    data: dict[str, Any] | None = None,
    cross: bool = False,
) -> Spec:
    # Anonymous callers and partnership leads have no token for the organisation: 401. An
    # organisation token stops working the moment its owner is marked as left: 401 too.
    expected = expect(allowed, ok, anon=401)
    expected["lead"] = 401
    expected["leaver"] = 401
    # The outsider's token is for their own organisation: lists show theirs; our ids are 404.
    expected["outsider"] = 404 if cross else expected["org_admin"]
    return Spec(method, expected, kwargs, data=data, api=True, cross=cross)


def private_page(
    allowed: tuple[str, ...], kwargs: Callable[[Targets], dict[str, Any]], **kw: Any
) -> Spec:
    """A page about one person's private record (a passport, a personal plan): anyone but the
    owner and the manager it is shared with gets 404, as the record's existence is private
    too. The outsider owns the other organisation's copy, so opens it there."""
    kw.setdefault("foreign_outsider", 200)
    return page(allowed, kwargs=kwargs, cross=True, role_first=False, **kw) | {
        p: 404 for p in MEMBERS if p not in allowed
    }


def private_action(
    allowed: tuple[str, ...],
    kwargs: Callable[[Targets], dict[str, Any]],
    data: dict[str, Any] | None = None,
) -> Spec:
    """An action on one person's private record: 404 for anyone it is not open to."""
    return replace(action(allowed, kwargs, data), role_first=False, foreign_outsider=302) | {
        p: 404 for p in MEMBERS if p not in allowed
    }


def working_day(day: date) -> date:
    """``day`` or the next weekday that is no nation's bank holiday (carer's leave needs one)."""
    while any(
        statutory.carers_leave_day_problem(day=day, working_days="12345", nation=nation)
        for nation in Nation
    ):
        day += timedelta(days=1)
    return day


#: The first day of the carer's leave and the flexible working request every target world has.
LEAVE_START = working_day(timezone.localdate() + timedelta(days=30))
