"""The evidence pack: a self-assessment laid out criterion by criterion, ready to attach to
an award application. reportlab is pure Python, so no system packages are needed; the shared
set-up (font, styles, escaping) is ``shared.pdf``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from benchmarks.models import AnswerStatus
from benchmarks.selectors import AssessmentView
from shared.pdf import BOLD, pdf_build, pdf_styles, pdf_table, pdf_text

_ANSWERS = dict(AnswerStatus.choices)
_TABLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, "#b1b4b6"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _day(value: Any) -> str:
    return date_format(value, "j F Y")


def evidence_pack_pdf(view: AssessmentView) -> bytes:
    styles = pdf_styles()
    body, heading, small = styles["BodyText"], styles["Heading2"], styles["Italic"]
    assessment, framework, result = view.assessment, view.framework, view.result
    organisation = assessment.organisation
    if assessment.is_draft:
        status = (
            f"Draft version {assessment.number}, printed on {_day(timezone.localdate())}. "
            "Not signed off: answers and live evidence may still change."
        )
    else:
        role = f", {assessment.signed_off_role}" if assessment.signed_off_role else ""
        signed_at = (
            timezone.localtime(assessment.signed_off_at) if assessment.signed_off_at else None
        )
        status = (
            f"Version {assessment.number}, signed off by {assessment.signed_off_by_name}{role}"
            f" on {_day(signed_at) if signed_at else 'an unknown date'}."
        )
    if framework.is_checklist and result.checklist is not None:
        claimed = f"Actions done: {result.checklist.describe()}."
    else:
        level = framework.level_name(result.overall)
        claimed = f"Level claimed: {level}." if level else "No level is claimed yet."
    story: list[Any] = [
        Paragraph(f"{pdf_text(framework.name)}: evidence pack", styles["Title"]),
        Paragraph(pdf_text(organisation.name), styles["Heading3"]),
        Paragraph(pdf_text(status), body),
        Paragraph(f"<b>{pdf_text(claimed)}</b>", body),
        Paragraph(
            f"Framework by {pdf_text(framework.owner)}: {pdf_text(framework.reference_url)}. "
            f"{pdf_text(framework.wording_note)}",
            small,
        ),
        Spacer(1, 4 * mm),
    ]
    for item in result.criteria:
        criterion = item.criterion
        key = criterion.key
        story.append(Paragraph(pdf_text(criterion.title), styles["Heading1"]))
        if framework.is_checklist and item.checklist is not None:
            story.append(Paragraph(f"Done: {pdf_text(item.checklist.describe())}", body))
        else:
            level = framework.level_name(item.result.level) or "no level yet"
            story.append(Paragraph(f"<b>Level reached:</b> {pdf_text(level)}", body))
        rows: list[list[Any]] = [["Requirement", "Answer", "Notes"]]
        for requirement in criterion.requirements:
            answer = view.answers.get(requirement.key)
            text = pdf_text(requirement.text)
            if not framework.is_checklist:
                text += f"<br/><i>{pdf_text(framework.level_name(requirement.level))}</i>"
            rows.append(
                [
                    Paragraph(text, body),
                    Paragraph(pdf_text(_ANSWERS[answer.status] if answer else "Not met"), body),
                    Paragraph(pdf_text(answer.notes if answer else ""), body),
                ]
            )
        story += [pdf_table(rows, [95 * mm, 25 * mm, 54 * mm], _TABLE), Spacer(1, 3 * mm)]
        evidence = view.evidence.get(key)
        story.append(Paragraph("Evidence", heading))
        story.append(
            Paragraph(
                pdf_text(evidence.narrative)
                if evidence and evidence.narrative
                else "None written.",
                body,
            )
        )
        if evidence and evidence.links:
            story.append(Paragraph("Links", styles["Heading3"]))
            for link in evidence.links:
                label = f"{link['title']}: " if link.get("title") else ""
                story.append(Paragraph(pdf_text(label + link["url"]), body))
        files = view.files.get(key, [])
        if files:
            story.append(Paragraph("Documents", styles["Heading3"]))
            for document in files:
                uploaded = _day(timezone.localtime(document.uploaded_at))
                policy = " (carers policy)" if document.is_carers_policy else ""
                story.append(
                    Paragraph(
                        pdf_text(
                            f"{document.download_name}{policy}, uploaded {uploaded} by "
                            f"{document.uploaded_by_name}"
                        ),
                        body,
                    )
                )
        measures = [view.measurements[n] for n in criterion.measures() if n in view.measurements]
        if measures:
            story.append(Paragraph("Live evidence from Working Carers Hub", styles["Heading3"]))
            for live in measures:
                story.append(
                    Paragraph(
                        f"<b>{pdf_text(live.title)}:</b> {pdf_text(live.measurement.display)} "
                        f"(measured {pdf_text(_day(live.measurement.measured_on))}). "
                        f"{pdf_text(live.measurement.detail)}",
                        body,
                    )
                )
    return pdf_build(
        story,
        title=f"{framework.name} evidence pack, version {assessment.number}",
        author=organisation.name,
    )
