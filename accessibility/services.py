"""Writing the deployment's accessibility statement (docs/configuration.md).

The Django admin is the only page that writes it, but the checks and the audit live here so
that a command or a test writes it the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accessibility.models import AccessibilityStatement, Compliance, KnownProblem
from audit.models import Action, Channel
from audit.services import audit_record
from shared.writes import EditConflict, RuleError, check_version, lock

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User

MAX_RESPONSE_DAYS = 60


@dataclass(frozen=True)
class ProblemValues:
    description: str
    description_cy: str = ""
    criterion: str = ""


@dataclass(frozen=True)
class StatementValues:
    """Everything a deployment admin types; blank Welsh fields fall back to the English."""

    operator_name: str
    contact_email: str
    nation: str
    compliance: str
    prepared_on: datetime.date
    tested_on: datetime.date
    tested_by: str
    service_name: str = "Working Carers Hub"
    service_name_cy: str = ""
    operator_name_cy: str = ""
    contact_phone: str = ""
    response_days: int = 5
    improvements: str = ""
    improvements_cy: str = ""
    reviewed_on: datetime.date | None = None
    tested_by_cy: str = ""
    problems: tuple[ProblemValues, ...] = field(default=())


_STATEMENT_FIELDS = [f.name for f in fields(StatementValues) if f.name != "problems"]


def statement_refusals(values: StatementValues, *, today: datetime.date) -> list[RuleError]:
    """Every reason the statement cannot be published as it stands (none: it can)."""
    refusals = field_refusals(values, today=today)
    problem = problems_refusal(compliance=values.compliance, count=len(values.problems))
    return refusals if problem is None else [*refusals, problem]


def problems_refusal(*, compliance: str, count: int) -> RuleError | None:
    """The compliance status must agree with the list of known problems."""
    if compliance == Compliance.FULL and count:
        return RuleError(
            "full_with_problems",
            "A fully compliant service has no known problems: remove them or choose "
            "partially compliant.",
            field="compliance",
        )
    if compliance == Compliance.PARTIAL and not count:
        return RuleError(
            "partial_without_problems",
            "List at least one known problem for a partially compliant service.",
            field="compliance",
        )
    return None


def field_refusals(values: StatementValues, *, today: datetime.date) -> list[RuleError]:
    """The checks on the statement's own fields, leaving its list of problems aside."""
    refusals: list[RuleError] = []
    if values.reviewed_on is not None and values.reviewed_on < values.prepared_on:
        refusals.append(
            RuleError(
                "reviewed_before_prepared",
                "The review date cannot be before the date the statement was prepared.",
                field="reviewed_on",
            )
        )
    for name in ("prepared_on", "reviewed_on", "tested_on"):
        day = getattr(values, name)
        if day is not None and day > today:
            refusals.append(
                RuleError("date_in_future", "This date cannot be in the future.", field=name)
            )
    if not 1 <= values.response_days <= MAX_RESPONSE_DAYS:
        refusals.append(
            RuleError(
                "response_days",
                f"Give a number of working days from 1 to {MAX_RESPONSE_DAYS}.",
                field="response_days",
            )
        )
    for name in ("service_name", "operator_name", "improvements", "tested_by"):
        if getattr(values, f"{name}_cy").strip() and not getattr(values, name).strip():
            refusals.append(
                RuleError(
                    "welsh_without_english",
                    "Write the English text too: it is shown when the page is read in English.",
                    field=name,
                )
            )
    return refusals


def _problems_of(statement: AccessibilityStatement) -> tuple[ProblemValues, ...]:
    return tuple(
        ProblemValues(
            description=problem.description,
            description_cy=problem.description_cy,
            criterion=problem.criterion,
        )
        for problem in statement.problems.all()
    )


def statement_save(
    *,
    values: StatementValues,
    by: User,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> AccessibilityStatement:
    """Publish the statement (make it or replace it), audited; an unchanged one is left alone.

    Only a deployment admin (an active superuser) may: the statement speaks for whoever runs
    the deployment, not for any one organisation in it.
    """
    if not (by.is_active and by.is_superuser):
        raise RuleError("not_allowed", "Only a deployment admin can change this statement.")
    refusals = statement_refusals(values, today=timezone.localdate())
    if refusals:
        raise refusals[0]
    with transaction.atomic():
        existing = AccessibilityStatement.objects.first()
        if existing is None:
            statement = AccessibilityStatement(updated_by=by)
            before: dict[str, object] = {}
            before_problems: tuple[ProblemValues, ...] = ()
        else:
            statement = lock(AccessibilityStatement, existing.pk)
            check_version(
                statement.version,
                expected_version,
                lambda: EditConflict(
                    "Someone else saved the statement after you opened it. Check their "
                    "changes, then save again.",
                    current_version=statement.version,
                ),
            )
            before = {name: getattr(statement, name) for name in _STATEMENT_FIELDS}
            before_problems = _problems_of(statement)
        changed = [name for name in _STATEMENT_FIELDS if before.get(name) != getattr(values, name)]
        problems_changed = before_problems != values.problems
        if existing is not None and not changed and not problems_changed:
            return statement
        for name in _STATEMENT_FIELDS:
            setattr(statement, name, getattr(values, name))
        if existing is not None:
            statement.version += 1
        statement.updated_by = by
        statement.save()
        if problems_changed:
            statement.problems.all().delete()
            KnownProblem.objects.bulk_create(
                KnownProblem(statement=statement, position=index, **vars(problem))
                for index, problem in enumerate(values.problems)
            )
        audit_record(
            actor=by,
            action=Action.CREATE if existing is None else Action.UPDATE,
            channel=channel,
            target=statement,
            organisation_id=None,
            summary="Accessibility statement published"
            if existing is None
            else "Accessibility statement changed",
            changes={
                "fields": changed,
                "problems": [len(before_problems), len(values.problems)],
            },
        )
    return statement
