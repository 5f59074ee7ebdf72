"""The organisation's figures for integrations (a board dashboard, an ICS data platform): the
same figures as the page, hidden and rounded the same way (docs/insight.md), through an
organisation token of someone who may read them. Lists are paginated."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem
from insights.disclosure import Figure
from insights.figures import organisation_report
from insights.report import GroupLine, Line, Report
from insights.rules import VIEW
from organisations.types import OrgRequest

router = Router(tags=["insights"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
FIGURES = BearerToken(VIEW)


class InsightFigureOut(Schema):
    value: int | None = Field(
        description="0, or a multiple of 5 (rounded); null when hidden. Never 1 to 4."
    )
    hidden: str | None = Field(
        description="small (a count from 1 to 4, or a group almost all carers), secondary "
        "(hidden so that a small one cannot be worked out), or null when shown."
    )
    label: str = Field(description="What the page shows: '35', 'fewer than 5', 'not shown'.")


class InsightLineOut(Schema):
    key: str
    label: str
    figure: InsightFigureOut


class InsightGroupOut(Schema):
    key: str
    label: str
    staff: InsightFigureOut
    carers: InsightFigureOut
    percent: int | None = Field(description="From the rounded figures; null when hidden.")


class InsightMonthOut(Schema):
    month: date
    staff: InsightFigureOut
    carers: InsightFigureOut
    percent: int | None


class InsightFiguresOut(Schema):
    month: date = Field(description="The first day of the month the figures stand for.")
    as_at: date = Field(description="The day the month's figures were taken.")
    staff: InsightFigureOut
    carers: InsightFigureOut
    percent: int | None
    national_percent: int = Field(description="The national estimate, about one in seven.")
    passports_agreed: InsightFigureOut
    reviews: list[InsightLineOut]
    leave: list[InsightLineOut]
    flexible_received: InsightFigureOut
    flexible_outcomes: list[InsightLineOut]
    refusal_reasons: list[InsightLineOut]
    deadlines: list[InsightLineOut]
    median_days_to_decide: int | None
    training: list[InsightGroupOut] = Field(description="'carers' is the number who passed.")
    network_exists: bool
    network_members: InsightFigureOut
    network_meetings: InsightFigureOut


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "hidden": figure.hidden, "label": figure.label}


def _line(line: Line) -> dict[str, Any]:
    return {"key": line.key, "label": line.label, "figure": _figure(line.figure)}


def _group(line: GroupLine) -> dict[str, Any]:
    return {
        "key": line.key,
        "label": line.label,
        "staff": _figure(line.row.staff),
        "carers": _figure(line.row.carers),
        "percent": line.row.percent,
    }


def _report(request: OrgRequest) -> Report:
    return organisation_report(organisation=request.organisation, today=timezone.localdate())


@router.get("/figures", auth=FIGURES, response={200: InsightFiguresOut, **ERRORS})
def get_figures(request: OrgRequest) -> Any:
    """This month's figures for the whole organisation."""
    report = _report(request)
    return {
        "month": report.month,
        "as_at": report.as_at,
        "staff": _figure(report.carers.staff),
        "carers": _figure(report.carers.carers),
        "percent": report.carers.percent,
        "national_percent": report.national_share,
        "passports_agreed": _figure(report.passports_agreed),
        "reviews": [_line(line) for line in report.reviews],
        "leave": [_line(line) for line in report.leave],
        "flexible_received": _figure(report.flexible_received),
        "flexible_outcomes": [_line(line) for line in report.flexible_outcomes],
        "refusal_reasons": [_line(line) for line in report.refusal_reasons],
        "deadlines": [_line(line) for line in report.deadlines],
        "median_days_to_decide": report.median_days_to_decide,
        "training": [
            {
                "key": item.key,
                "label": item.label,
                "staff": _figure(item.row.staff),
                "carers": _figure(item.row.carers),
                "percent": item.row.percent,
            }
            for item in report.training
        ],
        "network_exists": report.network_exists,
        "network_members": _figure(report.network_members),
        "network_meetings": _figure(report.network_meetings),
    }


@router.get("/figures/units", auth=FIGURES, response={200: list[InsightGroupOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=500)
def list_figures_by_unit(request: OrgRequest) -> Any:
    """Carers among staff in each unit, by unit name, people with no unit last."""
    return [_group(line) for line in _report(request).by_unit]


@router.get("/figures/sites", auth=FIGURES, response={200: list[InsightGroupOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=500)
def list_figures_by_site(request: OrgRequest) -> Any:
    """The same by site: the unit at the top of each unit's tree."""
    return [_group(line) for line in _report(request).by_site]


@router.get("/figures/hours", auth=FIGURES, response={200: list[InsightGroupOut], **ERRORS})
def list_figures_by_hours(request: OrgRequest) -> Any:
    """The same by contracted hours band."""
    return [_group(line) for line in _report(request).by_band]


@router.get("/figures/months", auth=FIGURES, response={200: list[InsightMonthOut], **ERRORS})
def list_figures_by_month(request: OrgRequest) -> Any:
    """Carers counted in each month kept, up to thirteen, oldest first."""
    return [
        {
            "month": point.month,
            "staff": _figure(point.row.staff),
            "carers": _figure(point.row.carers),
            "percent": point.row.percent,
        }
        for point in _report(request).trend
    ]
