"""No email says, where an inbox preview shows it, that someone is a carer (trust rule 11).

An inbox lists each email's subject and the first line or two of its body, often on a screen
that colleagues or family can see. Every email template the project has is found on disk and
rendered with realistic context; the subject and the start of each body must not name the
person concerned nor say carer, caring, passport, leave or anything like it. A new template
without a case below fails ``test_every_email_template_has_a_case``, so none escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.template.utils import get_app_template_dirs

from commitments.models import CommitmentVersion
from leave.models import CarersLeaveRequest, FlexibleWorkingRequest
from networks.models import Meeting, Network
from organisations.digest import DigestSection
from organisations.hooks import WaitingItem
from organisations.models import Organisation, StaffRecord
from passports.models import Passport
from plans.models import ActionPoint, OrgPlan, PersonalPlan
from shared.emails import render_templated

#: How much of the start of a body an inbox preview may show. Clients show roughly 40 to 140
#: characters after the subject; a margin above that.
PREVIEW_CHARS = 160

#: The product's own name is in every email's sender anyway; it says nothing about a person.
PRODUCT_NAME = re.compile(r"working carers hub", re.IGNORECASE)

REVEALING = re.compile(
    r"\b("
    r"carer['\u2019]s|carers?|caring|cares?|cared"
    r"|passports?"
    r"|dependants?|dependents?"
    r"|leave|time off"
    r"|flexible"
    r"|look(s|ing)? after"
    r"|illness|disabled|disability|unpaid"
    r")\b",
    re.IGNORECASE,
)

LONDON = ZoneInfo("Europe/London")
ORG = Organisation(pk=3, slug="northshire", name="Northshire Health Trust")
CARER = StaffRecord(
    pk=41, organisation=ORG, staff_number="N1041", first_name="Priya", last_name="Shah"
)
MANAGER = StaffRecord(
    pk=40, organisation=ORG, staff_number="N1040", first_name="Marcus", last_name="Bell"
)
#: The person an email is about; their name must not show in a preview either, since any
#: request or share in this service hints that they are a carer.
CARER_NAMES = ("Priya", "Shah")


@dataclass
class Case:
    context: dict[str, Any]
    private: tuple[str, ...] = CARER_NAMES
    label: str = ""


def _leave_request(**attrs: Any) -> CarersLeaveRequest:
    request = CarersLeaveRequest(
        pk=12, organisation=ORG, staff=CARER, notice_given_on=date(2025, 3, 3)
    )
    for name, value in attrs.items():
        setattr(request, name, value)
    return request


FLEXIBLE = FlexibleWorkingRequest(pk=5, staff=CARER, decision_due=date(2025, 5, 2))
PASSPORT = Passport(pk=9, staff=CARER, next_review_on=date(2025, 4, 14))
VERSION = CommitmentVersion(
    number=3, signed_by_name="Dr Helen Okafor", signed_by_role="Chief Executive"
)
ORG_PLAN = OrgPlan(pk=2, organisation=ORG, title="Carer Positive action plan 2025 to 2027")
PERSONAL_PLAN = PersonalPlan(
    pk=6, organisation=ORG, title="Supporting the carers in my team and caring for Dad"
)
ACTION = ActionPoint(
    pk=7, plan=ORG_PLAN, number="2.1.1", planned_action="Set up a carers' network at every site"
)

NETWORK = Network(pk=4, organisation=ORG, name="Carers together", about="For carers.")
MEETING = Meeting(
    pk=8,
    network=NETWORK,
    title="Carers' coffee: caring for a parent",
    kind="coffee",
    starts_at=datetime(2025, 6, 10, 12, 30, tzinfo=LONDON),
    minutes=20,
    place="Carers room, Ward 4",
    link="https://meet.example.org/carers",
)

CASES: dict[str, list[Case]] = {
    "network_meeting": [
        Case(
            {"meeting": MEETING, "org_slug": ORG.slug, "changed": changed}, private=(), label=label
        )
        for changed, label in ((False, "new"), (True, "moved"))
    ],
    "network_meeting_cancelled": [Case({"meeting": MEETING, "org_slug": ORG.slug}, private=())],
    "network_announcement": [
        Case(
            {
                "announcement": SimpleNamespace(
                    title="Carers' week lunch",
                    body="Come and talk about caring for a parent with dementia.",
                ),
                "org_slug": ORG.slug,
            },
            private=(),
        )
    ],
    "network_meeting_reminder": [Case({"meeting": MEETING, "org_slug": ORG.slug}, private=())],
    "waiting_digest": [
        Case(
            {
                "sections": [
                    DigestSection(
                        organisation=ORG,
                        items=[
                            WaitingItem(
                                title="Agree or postpone Priya Shah's carer's leave",
                                url="/o/northshire/leave/carers/12/",
                                due=date(2025, 3, 10),
                                due_label="Starts",
                            ),
                            WaitingItem(title="Sign 1 passport shared with you", url="/o/x/"),
                        ],
                    )
                ],
                "total": count,
            },
            label=str(count),
        )
        for count in (1, 2)
    ],
    "invitation": [
        Case(
            {
                "organisation": ORG,
                "role": role,
                "inviter": "Sam Ng",
                "path": "/invitations/accept/Zx8kQ2mVb7pT9rLw4sYd1nHc6fJa3eGu/",
                "expires_at": datetime(2025, 3, 17, 9, 30, tzinfo=LONDON),
            },
            private=(),
            label=role,
        )
        for role in ("Employee", "Carer champion")
    ],
    "commitment_ready": [Case({"organisation": ORG, "version": VERSION}, private=())],
    "commitment_signed": [Case({"organisation": ORG, "version": VERSION}, private=())],
    "carers_leave_requested": [
        Case(
            {
                "request": _leave_request(),
                "staff": CARER,
                "total": 2,
                "first_day": date(2025, 3, 10),
            }
        )
    ],
    "carers_leave_decided": [
        Case({"request": _leave_request(), "kind": kind, "reason": reason}, label=kind)
        for kind, reason in (
            ("Accepted", ""),
            ("Postponed", "Two colleagues are already off caring that week."),
        )
    ],
    "carers_leave_waiting": [
        Case(
            {
                "request": _leave_request(),
                "staff": CARER,
                "first_day": date(2025, 3, 10),
                "days_left": days,
            },
            label=str(days),
        )
        for days in (1, 3)
    ],
    "flexible_requested": [
        Case(
            {
                "request": FLEXIBLE,
                "staff": CARER,
                "rule": SimpleNamespace(consultation_before_refusal=consult),
                "unmanaged": unmanaged,
            },
            label=f"consult={consult} unmanaged={unmanaged}",
        )
        for consult in (True, False)
        for unmanaged in (True, False)
    ],
    "flexible_decided": [
        Case({"request": FLEXIBLE, "outcome": outcome}, label=outcome)
        for outcome in ("Agreed", "Refused", "Agreed with changes")
    ],
    "flexible_deadline": [
        Case({"request": FLEXIBLE, "days_left": days}, label=str(days)) for days in (1, 14)
    ],
    "passport_shared": [Case({"passport": PASSPORT, "carer": CARER})],
    "passport_signature_needed": [
        Case({"passport": PASSPORT, "carer": CARER, "signed_by": "Priya Shah"}, label="carer"),
        Case({"passport": PASSPORT, "carer": CARER, "signed_by": "Marcus Bell"}, label="manager"),
    ],
    "passport_manager_changed": [
        Case({"carer": CARER, "new_manager": manager}, label=str(manager))
        for manager in (MANAGER, None)
    ],
    "passport_share_restored": [Case({"carer": CARER, "manager": MANAGER})],
    "passport_review_due": [
        Case({"passport": PASSPORT, "carer": CARER, "days_left": days}, label=str(days))
        for days in (1, 14)
    ],
    "plan_action_due": [
        Case(
            {
                "action": ACTION,
                "plan": ORG_PLAN,
                "organisation": ORG,
                "due_on": date(2025, 6, 30),
                "days_left": days,
            },
            label=str(days),
        )
        for days in (1, 7)
    ],
    "personal_plan_date": [
        Case(
            {
                "plan": PERSONAL_PLAN,
                "organisation": ORG,
                "what": "Ask HR about carer's leave for Dad's hospital appointments",
                "due_on": date(2025, 6, 30),
                "days_left": 7,
                **extra,
            },
            label=str(extra),
        )
        for extra in ({}, {"first_step": True})
    ],
}


def _email_templates() -> set[str]:
    """Every ``emails/<name>-subject.txt`` the template loaders can find."""
    dirs = [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]  # type: ignore[attr-defined]
    return {
        path.name.removesuffix("-subject.txt")
        for directory in dirs
        for path in Path(directory).glob("emails/*-subject.txt")
    }


class _Text(HTMLParser):
    """The text of an HTML email in reading order, hidden preheaders included."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def preview(text: str) -> str:
    return " ".join(text.split())[:PREVIEW_CHARS]


def revealing(text: str, private: tuple[str, ...]) -> list[str]:
    """The words in ``text`` that would tell an onlooker someone is a carer."""
    cleaned = PRODUCT_NAME.sub("", text)
    found = [match.group(0) for match in REVEALING.finditer(cleaned)]
    found += [name for name in private if re.search(rf"\b{re.escape(name)}\b", cleaned)]
    return found


def test_every_email_template_has_a_case():
    templates = _email_templates()
    assert templates, "no email templates found: the discovery is broken"
    assert templates == set(CASES), (
        "Give every email template a case in CASES (and remove cases of templates that are gone)"
    )


def test_the_revealing_words_are_caught():
    assert revealing("Priya Shah has asked for carer's leave", CARER_NAMES) == [
        "carer's",
        "leave",
        "Priya",
        "Shah",
    ]
    assert revealing("Your Working Carers Hub account", ()) == []
    assert html_text('<p><span style="display:none">Your passport</span>Hi</p>') == (
        "Your passport Hi"
    )


@pytest.mark.parametrize(
    ("template", "case"),
    [
        pytest.param(name, case, id=f"{name}-{case.label}" if case.label else name)
        for name, cases in sorted(CASES.items())
        for case in cases
    ],
)
def test_subject_and_preview_say_nothing_private(template: str, case: Case):
    email = render_templated(template=template, context=case.context)
    assert not revealing(email.subject, case.private), email.subject
    assert not revealing(preview(email.text), case.private), preview(email.text)
    assert not revealing(preview(html_text(email.html)), case.private), preview(
        html_text(email.html)
    )
    # The details are still there, further down: the email stays useful.
    assert "http" in email.text
    assert "href=" in email.html


@pytest.mark.parametrize("address", ["carer@example.org", "nobody@example.org"])
def test_password_reset_emails_say_nothing_private(client, world, smtp_sink, address):
    client.post("/accounts/password/reset/", {"email": address})
    assert len(smtp_sink) == 1
    message = smtp_sink[0]
    parts = [message] if not message.is_multipart() else message.get_payload()
    assert not revealing(message["Subject"], ())
    for part in parts:
        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        text = html_text(body) if part.get_content_type() == "text/html" else body
        assert not revealing(preview(text), ()), preview(text)


def test_the_review_calendar_entry_says_nothing_private():
    """The attachment lands in a work calendar that colleagues often see (trust rule 11)."""
    from passports.reminders import review_event

    ics = review_event(PASSPORT, organisation_name=ORG.name)
    assert "SUMMARY:" in ics
    assert not revealing(ics.replace("\r\n ", ""), CARER_NAMES), ics


def test_a_leave_request_email_still_gives_the_details_after_the_opening():
    email = render_templated(
        template="carers_leave_requested",
        context={
            "request": _leave_request(),
            "staff": CARER,
            "total": 2,
            "first_day": date(2025, 3, 10),
        },
    )
    assert "Priya Shah has asked for 2 days of carer's leave" in email.text
    assert "Priya Shah has asked for 2 days of carer's leave" in email.html
    assert "/o/northshire/leave/carers/12/" in email.text
