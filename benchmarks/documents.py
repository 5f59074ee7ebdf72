"""The evidence pack: a self-assessment laid out criterion by criterion, ready to attach to
an award application. The template is ``benchmarks/pdf/evidence_pack.html``; ``shared.pdf``
makes it a tagged PDF with the project's fonts."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from benchmarks.models import AnswerStatus
from benchmarks.selectors import AssessmentView
from shared.pdf import pdf_render

_ANSWERS = dict(AnswerStatus.choices)


def _day(value: Any) -> str:
    return date_format(value, "j F Y")


def _criterion(view: AssessmentView, item: Any) -> dict[str, Any]:
    framework = view.framework
    criterion = item.criterion
    key = criterion.key
    rows = []
    for requirement in criterion.requirements:
        answer = view.answers.get(requirement.key)
        rows.append(
            {
                "text": requirement.text,
                "level": "" if framework.is_checklist else framework.level_name(requirement.level),
                "answer": _ANSWERS[answer.status] if answer else "Not met",
                "notes": answer.notes if answer else "",
            }
        )
    evidence = view.evidence.get(key)
    files = []
    for document in view.files.get(key, []):
        uploaded = _day(timezone.localtime(document.uploaded_at))
        policy = " (carers policy)" if document.is_carers_policy else ""
        files.append(
            f"{document.download_name}{policy}, uploaded {uploaded} by {document.uploaded_by_name}"
        )
    measures = [view.measurements[n] for n in criterion.measures() if n in view.measurements]
    checklist = framework.is_checklist and item.checklist is not None
    return {
        "title": criterion.title,
        "done": item.checklist.describe() if checklist else "",
        "level": "" if checklist else framework.level_name(item.result.level) or "no level yet",
        "rows": rows,
        "narrative": evidence.narrative if evidence else "",
        "links": [
            (f"{link['title']}: " if link.get("title") else "") + link["url"]
            for link in (evidence.links if evidence else None) or []
        ],
        "files": files,
        "measures": [
            {
                "title": live.title,
                "display": live.measurement.display,
                "on": _day(live.measurement.measured_on),
                "detail": live.measurement.detail,
            }
            for live in measures
        ],
    }


def evidence_pack_pdf(view: AssessmentView) -> bytes:
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
    return pdf_render(
        "benchmarks/pdf/evidence_pack.html",
        {
            "framework": framework,
            "organisation": organisation,
            "status": status,
            "claimed": claimed,
            "criteria": [_criterion(view, item) for item in result.criteria],
        },
        title=f"{framework.name} evidence pack, version {assessment.number}",
        author=organisation.name,
    )
