"""Printable copies for the carer: an agreed passport, and everything held about them.

reportlab is pure Python, so ``make run`` needs no system packages to make these.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from carershub.dates import long_date
from passports.models import AdjustmentStatus, AgreedVersion

_STATUS = dict(AdjustmentStatus.choices)


def _escape(text: object) -> str:
    value = "" if text is None else str(text)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def _build(title: str, author: str, story: list[Any]) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def _passport_story(content: dict[str, Any]) -> list[Any]:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    rows = [["Adjustment", "Status", "Review by"]]
    for adjustment in content.get("adjustments", []):
        label = _escape(adjustment["label"])
        if adjustment.get("details"):
            label += "<br/>" + _escape(adjustment["details"])
        rows.append(
            [
                Paragraph(label, body),
                Paragraph(_escape(_STATUS.get(adjustment["status"], adjustment["status"])), body),
                Paragraph(_escape(adjustment.get("review_on") or "-"), body),
            ]
        )
    table = Table(rows, colWidths=[100 * mm, 35 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, "#b1b4b6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [
        Paragraph("About my caring role", heading),
        Paragraph(_escape(content.get("about_caring")) or "Nothing written.", body),
        Paragraph("My Plan B", heading),
        Paragraph(
            "<b>Who to contact:</b> " + (_escape(content.get("plan_b_contacts")) or "-"), body
        ),
        Paragraph(
            "<b>What happens at work:</b> " + (_escape(content.get("plan_b_at_work")) or "-"), body
        ),
        Paragraph("What helps me", heading),
        table,
        Spacer(1, 4 * mm),
        Paragraph("Next review: " + _escape(content.get("next_review_on") or "not set"), body),
    ]


def agreed_version_pdf(version: AgreedVersion) -> bytes:
    styles = getSampleStyleSheet()
    content = version.content
    story: list[Any] = [
        Paragraph("Working Carer's Passport", styles["Title"]),
        Paragraph(
            f"{_escape(content.get('carer'))}, {_escape(content.get('organisation'))}",
            styles["Heading3"],
        ),
        Paragraph(
            f"Agreed version {version.number}. Signed by the carer on "
            f"{long_date(version.carer_signed_at)} and by {_escape(version.manager_name)} on "
            f"{long_date(version.manager_signed_at)}.",
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
        *_passport_story(content),
        Spacer(1, 6 * mm),
        Paragraph(
            "This passport records support agreed between a carer and their line manager. It is "
            "confidential to them, is not a contract change, and belongs to the carer.",
            styles["Italic"],
        ),
    ]
    return _build(
        f"Working Carer's Passport, version {version.number}",
        str(content.get("organisation", "")),
        story,
    )


def carer_data_pdf(data: dict[str, Any]) -> bytes:
    """The same facts as the JSON download, laid out to read."""
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    story: list[Any] = [
        Paragraph("Everything held about me as a carer", styles["Title"]),
        Paragraph(
            f"{_escape(data['organisation'])}, exported {_escape(data['exported_at'][:10])}", body
        ),
    ]
    declaration = data.get("declaration")
    story.append(Paragraph("My declaration", heading))
    if declaration:
        for key, label in (
            ("declared_at", "Declared"),
            ("relationship", "Who I care for"),
            ("need_kinds", "Kind of need"),
            ("hours_band", "Hours of care"),
            ("record_on_staff_record", "Recorded on my staff record"),
            ("include_in_counts", "Included in anonymised counts"),
        ):
            value = declaration.get(key)
            if isinstance(value, list):
                value = ", ".join(value) or "-"
            story.append(
                Paragraph(f"<b>{label}:</b> {_escape(value if value != '' else '-')}", body)
            )
    else:
        story.append(Paragraph("None.", body))
    passport = data.get("passport")
    if passport:
        story += [
            Paragraph("My current draft", styles["Heading1"]),
            *_passport_story(passport["draft"]),
        ]
        story.append(Paragraph("Agreed versions", styles["Heading1"]))
        for version in passport["agreed_versions"]:
            story.append(
                Paragraph(
                    f"Version {version['number']}, agreed {_escape(version['agreed_at'][:10])} with "
                    f"{_escape(version['manager'])}",
                    heading,
                )
            )
            story += _passport_story(version["content"])
        story.append(Paragraph("Conversations", styles["Heading1"]))
        for conversation in passport["conversations"]:
            story.append(
                Paragraph(
                    f"<b>{_escape(conversation['held_on'])}</b> ({_escape(conversation['recorded_by'])}): "
                    f"{_escape(conversation['notes'])}",
                    body,
                )
            )
        story.append(Paragraph("Who has seen my passport", styles["Heading1"]))
        for event in passport["seen_by"]:
            story.append(
                Paragraph(
                    f"{_escape(event['at'][:16])} {_escape(event['who'])}: {_escape(event['what'])}",
                    body,
                )
            )
    return _build("My carer data", str(data["organisation"]), story)
