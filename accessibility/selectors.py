"""Reading the accessibility statement in the reader's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accessibility.enforcement import Enforcement, enforcement_for
from accessibility.models import AccessibilityStatement, Compliance


@dataclass(frozen=True)
class Problem:
    description: str
    criterion: str


@dataclass(frozen=True)
class StatementPage:
    """The statement as the page shows it: free text already in the reader's language."""

    service_name: str
    operator_name: str
    contact_email: str
    contact_phone: str
    response_days: int
    enforcement: Enforcement
    compliance: str
    improvements: str
    prepared_on: datetime.date
    reviewed_on: datetime.date | None
    tested_on: datetime.date
    tested_by: str
    problems: tuple[Problem, ...]

    @property
    def fully_compliant(self) -> bool:
        return self.compliance == Compliance.FULL

    @property
    def partially_compliant(self) -> bool:
        return self.compliance == Compliance.PARTIAL


def _in(language: str, english: str, welsh: str) -> str:
    """The Welsh text on a Welsh page when the deployment wrote one; the English otherwise."""
    if language.lower().startswith("cy") and welsh.strip():
        return welsh
    return english


def statement_for_page(*, language: str) -> StatementPage | None:
    """The deployment's statement, or None while nobody has filled it in."""
    row = AccessibilityStatement.objects.prefetch_related("problems").first()
    if row is None:
        return None
    return StatementPage(
        service_name=_in(language, row.service_name, row.service_name_cy),
        operator_name=_in(language, row.operator_name, row.operator_name_cy),
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        response_days=row.response_days,
        enforcement=enforcement_for(row.nation),
        compliance=row.compliance,
        improvements=_in(language, row.improvements, row.improvements_cy),
        prepared_on=row.prepared_on,
        reviewed_on=row.reviewed_on,
        tested_on=row.tested_on,
        tested_by=_in(language, row.tested_by, row.tested_by_cy),
        problems=tuple(
            Problem(
                description=_in(language, problem.description, problem.description_cy),
                criterion=problem.criterion,
            )
            for problem in row.problems.all()
        ),
    )
