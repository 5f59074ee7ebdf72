"""The written outcome of a flexible-working request, as a PDF (reportlab, pure Python, with
the shared set-up in ``shared.pdf``).

The law expects the decision in writing; this letter states it, the change agreed and
any trial, or the business reasons for refusing, and how to appeal. After an appeal it
also states the first decision, which the history keeps.
"""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, Paragraph, Spacer

from accounts.selectors import display_name
from leave.flexible.services import REFUSAL_CODES
from leave.models import DecisionStage, FlexibleStatus, FlexibleWorkingRequest
from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from shared.dates import long_date
from shared.pdf import pdf_build, pdf_list, pdf_styles, pdf_text

_REASONS = dict(FLEXIBLE_WORKING_REFUSAL_REASONS)


def _reason_list(codes: list[str], style: ParagraphStyle) -> ListFlowable:
    return pdf_list([Paragraph(_REASONS[code], style) for code in codes])


def _first_decision(request: FlexibleWorkingRequest, body: ParagraphStyle) -> list[object]:
    """What the first decision (a refusal: only a refusal can be appealed) said."""
    first = next((d for d in request.decisions.all() if d.stage == DecisionStage.FIRST), None)
    when = f" on {long_date(first.decided_at)}" if first else ""
    reasons = [c for c in (first.refusal_reasons if first else []) if c in REFUSAL_CODES]
    lead = "We refused your request" + when
    story: list[object] = [
        Paragraph(lead + (", for these business reasons:" if reasons else "."), body)
    ]
    if reasons:
        story.append(_reason_list(reasons, body))
    if first is not None and first.refusal_explanation:
        story.append(Paragraph(pdf_text(first.refusal_explanation), body))
    return story


def outcome_letter(request: FlexibleWorkingRequest) -> bytes:
    """The letter for the request as it stands today.

    Reads ``request.decisions``; prefetch them (``access_flexible_request`` does).
    """
    styles = pdf_styles()
    body, heading = styles["BodyText"], styles["Heading2"]
    staff = request.staff
    story: list[object] = [
        Paragraph(pdf_text(staff.organisation.name), styles["Title"]),
        Paragraph(long_date(timezone.localdate()), body),
        Spacer(1, 6 * mm),
        Paragraph(f"Dear {pdf_text(staff.full_name)},", body),
        Paragraph("Your flexible-working request", heading),
        Paragraph(
            f"On {long_date(request.received_on)} you asked for this change, from "
            f"{long_date(request.start_from)}:",
            body,
        ),
        Paragraph(pdf_text(request.change_requested), body),
        Paragraph("Our decision", heading),
    ]
    appeal_decided = any(d.stage == DecisionStage.APPEAL for d in request.decisions.all())
    appealed_on = f" on {long_date(request.appealed_at)}" if request.appealed_at else ""
    if request.status == FlexibleStatus.APPEALED:
        story += _first_decision(request, body)
        story.append(
            Paragraph(
                f"You appealed{appealed_on}. We will write again with the outcome of the appeal "
                f"by {long_date(request.deadline)}.",
                body,
            )
        )
    elif request.status == FlexibleStatus.WITHDRAWN:
        story.append(Paragraph("You withdrew this request after our decision.", body))
    elif appeal_decided:
        story += _first_decision(request, body)
        story += [
            Paragraph(f"You appealed{appealed_on}.", body),
            Paragraph("The outcome of your appeal", heading),
        ]
    if request.status == FlexibleStatus.APPROVED:
        story.append(Paragraph("We have agreed your request as you asked.", body))
    elif request.status == FlexibleStatus.APPROVED_WITH_CHANGES:
        story += [
            Paragraph("We have agreed your request with these changes:", body),
            Paragraph(pdf_text(request.agreed_change), body),
        ]
    elif request.status == FlexibleStatus.REFUSED:
        reasons = [code for code in request.refusal_reasons if code in REFUSAL_CODES]
        story += [
            Paragraph("We are not able to agree your request, for these business reasons:", body),
            _reason_list(reasons, body),
        ]
        if request.refusal_explanation:
            story.append(Paragraph(pdf_text(request.refusal_explanation), body))
        if not request.appeal_reason:
            story.append(
                Paragraph(
                    "You can appeal against this decision from the request's page in Working Carers "
                    f"Hub. The decision, including any appeal, must be made by {long_date(request.deadline)}.",
                    body,
                )
            )
    if request.trial_until and request.status != FlexibleStatus.REFUSED:
        story.append(
            Paragraph(
                f"The new arrangement starts with a trial period until {long_date(request.trial_until)}.",
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
        Paragraph(pdf_text(display_name(decider)) if decider else "", body),
    ]
    return pdf_build(
        story,
        title="Flexible-working decision",
        author=staff.organisation.name,
        margin=20 * mm,
    )
