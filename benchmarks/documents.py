"""The evidence pack: a self-assessment laid out criterion by criterion, ready to attach to
an award application. The template is ``benchmarks/pdf/evidence_pack.html``; ``shared.pdf``
makes it a tagged PDF with the project's fonts."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
                "answer": _ANSWERS[answer.status] if answer else _("Not met"),
                "notes": answer.notes if answer else "",
            }
        )
    evidence = view.evidence.get(key)
    files = []
    for document in view.files.get(key, []):
        uploaded = _day(timezone.localtime(document.uploaded_at))
        line = (
            _("%(name)s (carers policy), uploaded %(day)s by %(who)s")
            if document.is_carers_policy
            else _("%(name)s, uploaded %(day)s by %(who)s")
        )
        files.append(
            line
            % {"name": document.download_name, "day": uploaded, "who": document.uploaded_by_name}
        )
    measures = [view.measurements[n] for n in criterion.measures() if n in view.measurements]
    checklist = framework.is_checklist and item.checklist is not None
    return {
        "title": criterion.title,
        "done": item.checklist.describe() if checklist else "",
        "level": "" if checklist else framework.level_name(item.result.level) or _("no level yet"),
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
        status = _(
            "Draft version %(number)s, printed on %(day)s. Not signed off: answers and live "
            "evidence may still change."
        ) % {"number": assessment.number, "day": _day(timezone.localdate())}
    else:
        role = f", {assessment.signed_off_role}" if assessment.signed_off_role else ""
        signed_at = (
            timezone.localtime(assessment.signed_off_at) if assessment.signed_off_at else None
        )
        status = _("Version %(number)s, signed off by %(who)s on %(day)s.") % {
            "number": assessment.number,
            "who": f"{assessment.signed_off_by_name}{role}",
            "day": _day(signed_at) if signed_at else _("an unknown date"),
        }
    if framework.is_checklist and result.checklist is not None:
        claimed = _("Actions done: %(done)s.") % {"done": result.checklist.describe()}
    else:
        level = framework.level_name(result.overall)
        claimed = (
            _("Level claimed: %(level)s.") % {"level": level}
            if level
            else _("No level is claimed yet.")
        )
    return pdf_render(
        "benchmarks/pdf/evidence_pack.html",
        {
            "framework": framework,
            "organisation": organisation,
            "status": status,
            "claimed": claimed,
            "criteria": [_criterion(view, item) for item in result.criteria],
        },
        title=_("%(framework)s evidence pack, version %(number)s")
        % {"framework": framework.name, "number": assessment.number},
        author=organisation.name,
    )
