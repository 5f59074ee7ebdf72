"""The written outcome of a flexible-working request, as a PDF (reportlab, pure Python).

The law expects the decision in writing; this letter states it, the change agreed and
any trial, or the business reasons for refusing, and how to appeal.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from leave.flexible import REFUSAL_CODES
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from leave.rules import FLEXIBLE_WORKING_REFUSAL_REASONS

_REASONS = dict(FLEXIBLE_WORKING_REFUSAL_REASONS)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def outcome_letter(request: FlexibleWorkingRequest) -> bytes:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    staff = request.staff
    story: list[object] = [
        Paragraph(_escape(staff.organisation.name), styles["Title"]),
        Paragraph(f"{timezone.localdate():%-d %B %Y}", body),
        Spacer(1, 6 * mm),
        Paragraph(f"Dear {_escape(staff.full_name)},", body),
        Paragraph("Your flexible-working request", heading),
        Paragraph(
            f"On {request.received_on:%-d %B %Y} you asked for this change, from "
            f"{request.start_from:%-d %B %Y}:",
            body,
        ),
        Paragraph(_escape(request.change_requested), body),
        Paragraph("Our decision", heading),
    ]
    if request.status == FlexibleStatus.APPEALED:
        story.append(
            Paragraph(
                "We refused your request and you have appealed. We will write again with the "
                f"outcome of the appeal by {request.deadline:%-d %B %Y}.",
                body,
            )
        )
    elif request.status == FlexibleStatus.WITHDRAWN:
        story.append(Paragraph("You withdrew this request after our decision.", body))
    if request.status == FlexibleStatus.APPROVED:
        story.append(Paragraph("We have agreed your request as you asked.", body))
    elif request.status == FlexibleStatus.APPROVED_WITH_CHANGES:
        story += [
            Paragraph("We have agreed your request with these changes:", body),
            Paragraph(_escape(request.agreed_change), body),
        ]
    elif request.status == FlexibleStatus.REFUSED:
        reasons = [code for code in request.refusal_reasons if code in REFUSAL_CODES]
        story += [
            Paragraph("We are not able to agree your request, for these business reasons:", body),
            ListFlowable(
                [ListItem(Paragraph(_REASONS[code], body)) for code in reasons], bulletType="bullet"
            ),
        ]
        if request.refusal_explanation:
            story.append(Paragraph(_escape(request.refusal_explanation), body))
        if not request.appeal_reason:
            story.append(
                Paragraph(
                    "You can appeal against this decision from the request's page in Working Carers "
                    f"Hub. The decision, including any appeal, must be made by {request.deadline:%-d %B %Y}.",
                    body,
                )
            )
    if request.trial_until and request.status != FlexibleStatus.REFUSED:
        story.append(
            Paragraph(
                f"The new arrangement starts with a trial period until {request.trial_until:%-d %B %Y}.",
                body,
            )
        )
    if request.status in (FlexibleStatus.APPROVED, FlexibleStatus.APPROVED_WITH_CHANGES):
        story.append(
            Paragraph(
                "This is a permanent change to your terms and conditions unless we have agreed "
                "otherwise. We will update your contract within 28 days.",
                body,
            )
        )
    decider = request.decided_by
    story += [
        Spacer(1, 8 * mm),
        Paragraph("Yours sincerely,", body),
        Paragraph(_escape(str(decider)) if decider else "", body),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="Flexible-working decision",
        author=staff.organisation.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    document.build(story)
    return buffer.getvalue()
