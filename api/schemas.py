from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import Strict

from organisations import working_pattern
from organisations.models import (
    BankHolidayWork,
    Nation,
    Role,
    Sector,
    SizeBand,
    StaffRecord,
    StaffStatus,
)
from shared.text import SingleLine

#: A whole number in a request body, as JSON writes it: ``true`` or ``"2"`` is refused (422)
#: rather than read as 1 or 2, so a client's mistake is not taken as a version or an id.
Whole = Annotated[int, Strict()]


class Problem(Schema):
    """An RFC 9457 problem details object; ``code`` is stable and safe to branch on."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    code: str
    errors: list[dict[str, object]] | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    nation: Nation
    sector: Sector
    size_band: SizeBand
    partnership: str | None = Field(None, alias="partnership.name")
    staff_work_bank_holidays: bool = Field(
        description="Whether staff normally work bank holidays; each staff record may differ."
    )


class UnitOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None


class UnitIn(Schema):
    code: SingleLine = Field(min_length=1, max_length=40)
    name: SingleLine = Field(min_length=1, max_length=200)
    parent_id: int | None = None


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONDAY_TO_FRIDAY: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
WORKING_DAYS_HELP = (
    "The weekdays the person normally works; an empty list is an irregular pattern "
    "(no fixed days), on which any day may be booked."
)
BANK_HOLIDAYS_HELP = (
    "Whether bank holidays are working days for the person (a rota that includes them): "
    "yes, no, or default for the organisation's staff_work_bank_holidays. Carer's leave "
    "may fall on a bank holiday only when they work it."
)


class StaffOut(Schema):
    id: int
    staff_number: str
    first_name: str
    last_name: str
    work_email: str
    unit_id: int | None
    line_manager_id: int | None
    days_per_week: Decimal
    hours_per_week: Decimal
    working_days: list[Weekday] = Field(description=WORKING_DAYS_HELP)
    works_bank_holidays: BankHolidayWork = Field(description=BANK_HOLIDAYS_HELP)
    start_date: date | None
    status: StaffStatus
    left_on: date | None
    version: int

    @staticmethod
    def resolve_working_days(obj: StaffRecord) -> list[str]:
        return working_pattern.to_codes(obj.working_days)


class StaffIn(Schema):
    staff_number: SingleLine = Field(min_length=1, max_length=40)
    first_name: SingleLine = Field(min_length=1, max_length=100)
    last_name: SingleLine = Field(min_length=1, max_length=100)
    work_email: SingleLine = ""
    unit_id: int | None = None
    line_manager_id: int | None = None
    days_per_week: Decimal = Decimal("5.0")
    hours_per_week: Decimal = Decimal("37.50")
    working_days: list[Weekday] = Field(
        default_factory=lambda: list(MONDAY_TO_FRIDAY),
        max_length=7,
        description=WORKING_DAYS_HELP,
    )
    works_bank_holidays: BankHolidayWork = Field(
        BankHolidayWork.ORGANISATION_DEFAULT, description=BANK_HOLIDAYS_HELP
    )
    start_date: date | None = None


class StaffPatch(Schema):
    staff_number: SingleLine | None = Field(None, min_length=1, max_length=40)
    first_name: SingleLine | None = Field(None, min_length=1, max_length=100)
    last_name: SingleLine | None = Field(None, min_length=1, max_length=100)
    work_email: SingleLine | None = None
    unit_id: int | None = None
    line_manager_id: int | None = None
    days_per_week: Decimal | None = None
    hours_per_week: Decimal | None = None
    working_days: list[Weekday] | None = Field(None, max_length=7, description=WORKING_DAYS_HELP)
    works_bank_holidays: BankHolidayWork | None = Field(None, description=BANK_HOLIDAYS_HELP)
    start_date: date | None = None
    version: int | None = Field(
        None,
        description="If given, the update is refused with 409 when the record has changed since.",
    )


class LeaveIn(Schema):
    left_on: date | None = None


class MembershipOut(Schema):
    id: int
    email: str = Field(alias="user.email")
    role: Role


class MembershipIn(Schema):
    email: SingleLine = Field(
        min_length=3, max_length=254, description="Someone who already belongs to the organisation"
    )
    role: Role
