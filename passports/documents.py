"""Printable copies for the carer: an agreed passport, and everything held about them.

reportlab is pure Python, so ``make run`` needs no system packages to make these; the
shared set-up (font, styles, escaping) is ``shared.pdf``.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from passports.models import AdjustmentStatus, AgreedVersion
from shared.dates import long_date
from shared.pdf import BOLD, pdf_build, pdf_styles, pdf_table, pdf_text

_STATUS = dict(AdjustmentStatus.choices)


def _passport_story(content: dict[str, Any]) -> list[Any]:
    styles = pdf_styles()
    body, heading = styles["BodyText"], styles["Heading2"]
    rows = [["Adjustment", "Status", "Review by"]]
    for adjustment in content.get("adjustments", []):
        label = pdf_text(adjustment["label"])
        if adjustment.get("details"):
            label += "<br/>" + pdf_text(adjustment["details"])
        rows.append(
            [
                Paragraph(label, body),
                Paragraph(pdf_text(_STATUS.get(adjustment["status"], adjustment["status"])), body),
                Paragraph(pdf_text(adjustment.get("review_on") or "-"), body),
            ]
        )
    table = pdf_table(
        rows,
        [100 * mm, 35 * mm, 35 * mm],
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, "#b1b4b6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    return [
        Paragraph("About my caring role", heading),
        Paragraph(pdf_text(content.get("about_caring")) or "Nothing written.", body),
        Paragraph("My Plan B", heading),
        Paragraph(
            "<b>Who to contact:</b> " + (pdf_text(content.get("plan_b_contacts")) or "-"), body
        ),
        Paragraph(
            "<b>What happens at work:</b> " + (pdf_text(content.get("plan_b_at_work")) or "-"), body
        ),
        Paragraph("What helps me", heading),
        table,
        Spacer(1, 4 * mm),
        Paragraph("Next review: " + pdf_text(content.get("next_review_on") or "not set"), body),
    ]


def agreed_version_pdf(version: AgreedVersion) -> bytes:
    styles = pdf_styles()
    content = version.content
    story: list[Any] = [
        Paragraph("Working Carer's Passport", styles["Title"]),
        Paragraph(
            f"{pdf_text(content.get('carer'))}, {pdf_text(content.get('organisation'))}",
            styles["Heading3"],
        ),
        Paragraph(
            f"Agreed version {version.number}. Signed by the carer on "
            f"{long_date(version.carer_signed_at)} and by {pdf_text(version.manager_name)} on "
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
    return pdf_build(
        story,
        title=f"Working Carer's Passport, version {version.number}",
        author=str(content.get("organisation", "")),
    )


def carer_data_pdf(data: dict[str, Any]) -> bytes:
    """The same facts as the JSON download, laid out to read."""
    styles = pdf_styles()
    body, heading = styles["BodyText"], styles["Heading2"]
    story: list[Any] = [
        Paragraph("Everything held about me as a carer", styles["Title"]),
        Paragraph(
            f"{pdf_text(data['organisation'])}, exported {pdf_text(data['exported_at'][:10])}", body
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
                Paragraph(f"<b>{label}:</b> {pdf_text(value if value != '' else '-')}", body)
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
                    f"Version {version['number']}, agreed {pdf_text(version['agreed_at'][:10])} with "
                    f"{pdf_text(version['manager'])}",
                    heading,
                )
            )
            story += _passport_story(version["content"])
        story.append(Paragraph("Conversations", styles["Heading1"]))
        for conversation in passport["conversations"]:
            story.append(
                Paragraph(
                    f"<b>{pdf_text(conversation['held_on'])}</b> ({pdf_text(conversation['recorded_by'])}): "
                    f"{pdf_text(conversation['notes'])}",
                    body,
                )
            )
        story.append(Paragraph("Who has seen my passport", styles["Heading1"]))
        for event in passport["seen_by"]:
            story.append(
                Paragraph(
                    f"{pdf_text(event['at'][:16])} {pdf_text(event['who'])}: {pdf_text(event['what'])}",
                    body,
                )
            )
    learned = data.get("learning") or {}
    if learned.get("modules") or learned.get("badges"):
        story.append(Paragraph("My learning", styles["Heading1"]))
        for row in learned.get("modules", []):
            passed = f"passed on {row['passed_at'][:10]}" if row["passed_at"] else "not passed yet"
            story.append(Paragraph(f"{pdf_text(row['module'])}: {pdf_text(passed)}", body))
        for badge in learned.get("badges", []):
            story.append(
                Paragraph(
                    f"Badge for {pdf_text(badge['module'])}, issued {badge['issued_at'][:10]}, "
                    f"valid until {badge['valid_until'][:10]} (the signed file is in the JSON copy)",
                    body,
                )
            )
    reflections = data.get("reflection_log") or []
    if reflections:
        story.append(Paragraph("My reflection log", styles["Heading1"]))
        for entry in reflections:
            story += [
                Paragraph(pdf_text(entry["principle"]), heading),
                Paragraph(f"<b>My notes:</b> {pdf_text(entry['notes'] or '-')}", body),
                Paragraph(
                    f"<b>The first step I will take:</b> {pdf_text(entry['first_step'] or '-')}",
                    body,
                ),
            ]
    return pdf_build(story, title="My carer data", author=str(data["organisation"]))
