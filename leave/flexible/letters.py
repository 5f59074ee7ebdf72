"""The written outcome of a flexible-working request, as a PDF (the template
``leave/pdf/decision_letter.html``, made a tagged PDF by ``shared.pdf``).

The law expects the decision in writing; this letter states it, the change agreed and
any trial, or the business reasons for refusing, and how to appeal. After an appeal it
also states the first decision, which the history keeps.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import display_name
from leave.flexible.services import REFUSAL_CODES
from leave.models import DecisionStage, FlexibleStatus, FlexibleWorkingRequest
from leave.statutory import FLEXIBLE_WORKING_REFUSAL_REASONS
from shared.dates import long_date
from shared.pdf import pdf_render

_REASONS = dict(FLEXIBLE_WORKING_REFUSAL_REASONS)

#: The letter's decision, part after part: {"text": ...}, {"reasons": [...]} or {"heading": ...}.
Part = dict[str, Any]


def _text(text: str) -> Part:
    return {"text": text}


def _reasons(codes: list[str]) -> Part:
    return {"reasons": [_REASONS[code] for code in codes]}


def _first_decision(request: FlexibleWorkingRequest) -> list[Part]:
    """What the first decision (a refusal: only a refusal can be appealed) said."""
    first = next((d for d in request.decisions.all() if d.stage == DecisionStage.FIRST), None)
    reasons = [c for c in (first.refusal_reasons if first else []) if c in REFUSAL_CODES]
    if first is None:  # no first decision kept, so no reasons either
        lead = _("We refused your request.")
    elif reasons:
        lead = _("We refused your request on %(day)s, for these business reasons:") % {
            "day": long_date(first.decided_at)
        }
    else:
        lead = _("We refused your request on %(day)s.") % {"day": long_date(first.decided_at)}
    parts: list[Part] = [_text(lead)]
    if reasons:
        parts.append(_reasons(reasons))
    if first is not None and first.refusal_explanation:
        parts.append(_text(first.refusal_explanation))
    return parts


def outcome_letter(request: FlexibleWorkingRequest) -> bytes:
    """The letter for the request as it stands today.

    Reads ``request.decisions``; prefetch them (``access_flexible_request`` does).
    """
    staff = request.staff
    parts: list[Part] = []
    appeal_decided = any(d.stage == DecisionStage.APPEAL for d in request.decisions.all())
    appealed = (
        _("You appealed on %(day)s.") % {"day": long_date(request.appealed_at)}
        if request.appealed_at
        else _("You appealed.")
    )
    if request.status == FlexibleStatus.APPEALED:
        parts += _first_decision(request)
        parts.append(
            _text(
                appealed
                + " "
                + _("We will write again with the outcome of the appeal by %(day)s.")
                % {"day": long_date(request.deadline)}
            )
        )
    elif request.status == FlexibleStatus.WITHDRAWN:
        parts.append(_text(_("You withdrew this request after our decision.")))
    elif appeal_decided:
        parts += _first_decision(request)
        parts += [
            _text(appealed),
            {"heading": _("The outcome of your appeal")},
        ]
    if request.status == FlexibleStatus.APPROVED:
        parts.append(_text(_("We have agreed your request as you asked.")))
    elif request.status == FlexibleStatus.APPROVED_WITH_CHANGES:
        parts += [
            _text(_("We have agreed your request with these changes:")),
            _text(request.agreed_change),
        ]
    elif request.status == FlexibleStatus.REFUSED:
        reasons = [code for code in request.refusal_reasons if code in REFUSAL_CODES]
        parts += [
            _text(_("We are not able to agree your request, for these business reasons:")),
            _reasons(reasons),
        ]
        if request.refusal_explanation:
            parts.append(_text(request.refusal_explanation))
        if not request.appeal_reason:
            parts.append(
                _text(
                    _(
                        "You can appeal against this decision from the request's page in Working "
                        "Carers Hub. The decision, including any appeal, must be made by %(day)s."
                    )
                    % {"day": long_date(request.deadline)}
                )
            )
    if request.trial_until and request.status != FlexibleStatus.REFUSED:
        parts.append(
            _text(
                _("The new arrangement starts with a trial period until %(day)s.")
                % {"day": long_date(request.trial_until)}
            )
        )
    if request.status in (FlexibleStatus.APPROVED, FlexibleStatus.APPROVED_WITH_CHANGES):
        parts.append(
            _text(
                _(
                    "This is a permanent change to your terms and conditions unless we have "
                    "agreed otherwise. We will update your contract within 28 days."
                )
            )
        )
    decider = request.decided_by
    return pdf_render(
        "leave/pdf/decision_letter.html",
        {
            "organisation": staff.organisation,
            "staff": staff,
            "request": request,
            "today": long_date(timezone.localdate()),
            "received_on": long_date(request.received_on),
            "start_from": long_date(request.start_from),
            "parts": parts,
            "decider": display_name(decider) if decider else "",
        },
        title=_("Flexible-working decision"),
        author=staff.organisation.name,
    )
