"""The help pages, as typed data: one page per journey, and the glossary.

Kept as data rather than templates so one function can search them (``search``) and every
page has the same shape: what it is about, the steps, what happens next, who sees what, and
what the law says in a sentence. The legal sentences follow docs/statutory-rules.md and
``leave/statutory.py``; where those say "to verify", the page says no more than they do.

Help pages hold no organisation's data, so anyone may read them, signed in or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Text = str | Promise


class Audience(StrEnum):
    CARERS = "carers"
    MANAGERS = "managers"
    HR = "hr"


AUDIENCE_HEADINGS: dict[Audience, Text] = {
    Audience.CARERS: _("For working carers"),
    Audience.MANAGERS: _("For line managers"),
    Audience.HR: _("For HR and people teams"),
}


@dataclass(frozen=True)
class Section:
    heading: Text
    paragraphs: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()


@dataclass(frozen=True)
class HelpPage:
    #: Stable: other pages link here by it (``guidance.public.help_url``), so never rename one.
    slug: str
    title: Text
    audience: Audience
    summary: Text
    sections: tuple[Section, ...]
    what_next: tuple[Text, ...]
    who_sees: tuple[Text, ...]
    #: One sentence; empty where no law applies (the organisation's own practice).
    law: Text = ""
    related: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Term:
    #: The anchor on the glossary page.
    slug: str
    term: Text
    meaning: Text


PAGES: tuple[HelpPage, ...] = (
    HelpPage(
        slug="passport-declaring",
        title=_("Telling your employer you are a carer"),
        audience=Audience.CARERS,
        summary=_(
            "If you look after someone who could not manage without you, you can say so here, "
            "privately, and start a Working Carer's Passport."
        ),
        sections=(
            Section(
                _("Who counts as a carer"),
                (
                    _(
                        "You are a carer if you give unpaid help to a relative, partner or friend "
                        "because of an illness, disability, mental ill-health, an addiction or "
                        "older age. It does not matter how many hours you give or whether you "
                        "live with them."
                    ),
                ),
            ),
            Section(
                _("How to do it"),
                (
                    _(
                        "Open 'Are you a carer?' from your home page and choose 'I am a carer'. "
                        "Every question is optional. Describe the help you give, not the other "
                        "person's diagnosis: they have not signed up to anything."
                    ),
                ),
                (
                    _("whether to share your passport with your line manager"),
                    _("whether HR may record on your staff record that you are a carer"),
                    _("whether you are counted in anonymous numbers"),
                ),
            ),
        ),
        what_next=(
            _(
                "You get a passport straight away. Fill in what helps you at work and your Plan B "
                "when you are ready. You can change your choices or delete everything at any time."
            ),
        ),
        who_sees=(
            _("You see everything you write."),
            _(
                "Your line manager sees your passport only while you share it with them, and "
                "never your answers about who you care for."
            ),
            _(
                "HR never sees your passport. They see that you are a carer only if you chose to "
                "have it recorded on your staff record."
            ),
            _("Reports show numbers only, and never a number under 5."),
        ),
        law=_(
            "No law makes you tell your employer you are a carer; it is your choice, and you "
            "can change your mind."
        ),
        related=("passport-sharing", "glossary"),
    ),
    HelpPage(
        slug="passport-sharing",
        title=_("Sharing your passport with your line manager"),
        audience=Audience.CARERS,
        summary=_(
            "Sharing lets the manager named on your staff record read your passport, add to "
            "it and sign it with you."
        ),
        sections=(
            Section(
                _("Sharing and stopping"),
                (
                    _(
                        "On your passport choose 'Share with' and your manager's name. To stop, "
                        "choose 'Stop sharing': your manager loses access the moment you do."
                    ),
                    _(
                        "If your line manager changes, sharing with the old one ends by itself. "
                        "Your new manager sees nothing until you choose to share with them."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "Your manager can now open your passport from their team's passports page. Talk "
                "together about what would help, then each of you signs when you agree."
            ),
        ),
        who_sees=(
            _("Only the line manager you shared with, and only while they manage you."),
            _(
                "Every time someone else opens your passport it is logged. 'Who has seen my "
                "passport' lists each one."
            ),
        ),
        related=("passport-agreeing", "passport-manager"),
    ),
    HelpPage(
        slug="passport-agreeing",
        title=_("Agreeing your passport"),
        audience=Audience.CARERS,
        summary=_(
            "When you and your manager are both happy with the passport, you both sign it. "
            "That makes an agreed version that nobody can change."
        ),
        sections=(
            Section(
                _("Asking for support"),
                (
                    _(
                        "Under 'What helps me' add each thing you would like, such as flexible "
                        "start times or time for appointments. Your manager agrees or declines "
                        "each one but cannot rewrite what you asked for."
                    ),
                ),
            ),
            Section(
                _("Signing"),
                (
                    _(
                        "Each of you presses 'Sign this draft'. The second signature makes an "
                        "agreed version, numbered 1, 2, 3 and so on. A manager cannot sign "
                        "while something is still only requested."
                    ),
                    _(
                        "Any later change starts a new draft and clears both signatures. The "
                        "last agreed version still stands until you both sign again."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "The agreed version is kept as it was signed. You can download it as a PDF, or "
                "as a signed credential to take to another employer."
            ),
            _("A review date is set; you will both be reminded before it comes."),
        ),
        who_sees=(
            _(
                "You, and your line manager while you share with them. HR does not see "
                "the agreed version."
            ),
        ),
        related=("passport-reviews",),
    ),
    HelpPage(
        slug="passport-reviews",
        title=_("Reviewing a passport"),
        audience=Audience.CARERS,
        summary=_(
            "Caring changes. A review is a planned conversation to check the support still "
            "fits, usually within a year and sooner if things change."
        ),
        sections=(
            Section(
                _("How a review works"),
                (
                    _(
                        "Before the review date you and your manager are reminded. Talk, note "
                        "the conversation on the passport, change what needs changing and set "
                        "the next review date."
                    ),
                    _(
                        "Either of you can add a dated note of a conversation. Notes are never "
                        "edited and are not part of what you sign."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "If you changed anything, both of you sign again to make a new agreed version. "
                "If nothing changed, the agreed version carries on."
            ),
        ),
        who_sees=(_("You, and the line manager you share your passport with."),),
        related=("passport-agreeing", "passport-manager"),
    ),
    HelpPage(
        slug="passport-manager",
        title=_("Passports: what a line manager sees and does"),
        audience=Audience.MANAGERS,
        summary=_(
            "A carer in your team may share their passport with you. This is what you see, "
            "what you can do, and when it stops."
        ),
        sections=(
            Section(
                _("What you see"),
                (
                    _(
                        "Only passports that someone in your team has chosen to share with you, "
                        "listed on your team's passports page. If nobody has shared, you see "
                        "nothing, and you are not told who is a carer."
                    ),
                ),
            ),
            Section(
                _("What you can do"),
                bullets=(
                    _("agree or decline each thing asked for, or suggest your own"),
                    _("add a dated note of a conversation"),
                    _("sign the draft when you both agree"),
                    _("hold a review before the review date"),
                ),
            ),
        ),
        what_next=(
            _(
                "Access ends at once if the carer stops sharing, if you stop being their line "
                "manager or if either of you leaves. The carer is told who has opened their "
                "passport."
            ),
        ),
        who_sees=(
            _("Each time you open a passport it is logged, and the carer can see that you looked."),
        ),
        related=("passport-agreeing", "passport-reviews"),
    ),
    HelpPage(
        slug="carers-leave",
        title=_("Asking for carer's leave"),
        audience=Audience.CARERS,
        summary=_(
            "Carer's leave is time off to give or arrange care for someone who depends on you "
            "and has a long-term care need."
        ),
        sections=(
            Section(
                _("How much you can take"),
                (
                    _(
                        "Up to one of your working weeks in any 12 months, counted back from each "
                        "day you ask for. If you work 3 days a week, that is 3 days. You can take "
                        "half days or whole days, together or apart. Your organisation may give "
                        "more, or pay for some of it."
                    ),
                ),
            ),
            Section(
                _("Notice"),
                (
                    _(
                        "Ask more than twice as many days ahead as the days you want, and always "
                        "more than 3 days ahead. For 1 day, ask more than 3 days before; for "
                        "5 days, more than 10 days before. The form tells you if you are too late."
                    ),
                    _(
                        "You do not have to give a reason beyond saying the leave is to care for "
                        "someone, and nobody may ask you for proof."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "Your line manager, or a deputy acting for them, either agrees the leave or "
                "postpones it. You are told by email either way, and the request's page shows "
                "what was decided."
            ),
            _("You can cancel a request before the leave begins, and the days come back."),
        ),
        who_sees=(
            _(
                "Your line manager, a deputy acting for them, and HR, who look after leave "
                "records. Your passport is not shown with it."
            ),
        ),
        law=_(
            "In England, Wales and Scotland employees have had a right to carer's leave from "
            "their first day since 6 April 2024; there is no such statutory right in Northern "
            "Ireland, where your organisation's policy applies."
        ),
        related=("carers-leave-deciding", "glossary"),
    ),
    HelpPage(
        slug="carers-leave-deciding",
        title=_("Deciding a carer's leave request"),
        audience=Audience.MANAGERS,
        summary=_(
            "You can agree carer's leave or postpone it. You cannot refuse it, and you cannot "
            "ask for evidence."
        ),
        sections=(
            Section(
                _("Agreeing"),
                (
                    _(
                        "Most requests should simply be agreed. Requests waiting for you are on "
                        "your team's leave page and under 'Waiting for you' on your home page."
                    ),
                ),
            ),
            Section(
                _("Postponing"),
                (
                    _(
                        "You may postpone only if the business would be unduly disrupted. "
                        "You must do it before the leave was due to start, explain why in "
                        "writing, and offer new dates that start within one month of the first "
                        "day asked for. Talk to the person first."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "The person is told by email and sees the decision on their request. A "
                "postponed request moves to the new dates you gave."
            ),
        ),
        who_sees=(
            _(
                "You and HR see the request with the person's name. Decisions say who made "
                "them, and for whom if a deputy decided."
            ),
        ),
        law=_(
            "The Carer's Leave Regulations 2024 let an employer postpone carer's leave when the "
            "business would be unduly disrupted, but never refuse it."
        ),
        related=("deputies", "carers-leave"),
    ),
    HelpPage(
        slug="time-off-for-dependants",
        title=_("Time off for dependants in an emergency"),
        audience=Audience.CARERS,
        summary=_(
            "When something unexpected happens to someone who depends on you, you can take the "
            "time you reasonably need to deal with it."
        ),
        sections=(
            Section(
                _("When it applies"),
                bullets=(
                    _("they fall ill, are injured or give birth"),
                    _("their care arrangements suddenly break down"),
                    _("there is an incident at your child's school"),
                    _("they have died and there are arrangements to make"),
                ),
            ),
            Section(
                _("Recording it"),
                (
                    _(
                        "Tell your manager as soon as you reasonably can, then record the time on "
                        "your leave page, even afterwards. Nobody approves it, there is no set "
                        "limit, and it does not use up your carer's leave. For care you can plan "
                        "ahead, ask for carer's leave instead."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "The record appears on your leave page. Recording it does not send anyone an "
                "email, so make sure your manager knows."
            ),
        ),
        who_sees=(
            _(
                "You, your line manager, a deputy acting for them, and HR. Colleagues see none "
                "of it."
            ),
        ),
        law=_(
            "Section 57A of the Employment Rights Act 1996 gives employees a reasonable amount of "
            "unpaid time off to deal with an emergency involving a dependant."
        ),
        related=("carers-leave", "glossary"),
    ),
    HelpPage(
        slug="flexible-working",
        title=_("Asking for flexible working"),
        audience=Audience.CARERS,
        summary=_(
            "In England, Wales and Scotland anyone can ask to change when, where or how long "
            "they work, from their first day in the job. Northern Ireland has its own rules: "
            "the request's page follows them."
        ),
        sections=(
            Section(
                _("Asking"),
                (
                    _(
                        "Say what change you would like and when it should start. You do not "
                        "have to explain how the organisation should cope with it. You can make "
                        "two requests in any 12 months, but not while another is still being "
                        "decided. In Northern Ireland it is one request in 12 months, after 26 "
                        "weeks in the job."
                    ),
                ),
            ),
            Section(
                _("The decision period"),
                (
                    _(
                        "The whole decision, including any appeal, must be made within two "
                        "months, starting with the day your request arrives, unless you agree to "
                        "a longer time (three months in Northern Ireland). The request's page "
                        "shows the date."
                    ),
                ),
            ),
            Section(
                _("If the answer is no"),
                (
                    _(
                        "Your manager can refuse only for one of the business reasons the law "
                        "lists and, outside Northern Ireland, must talk to you first. You can "
                        "appeal, and the appeal is decided within the same period."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "Your manager may ask to meet you to talk it through. Then they agree, agree a "
                "changed version, or refuse with a reason. You get a letter either way."
            ),
            _("You can withdraw the request at any time before it is decided."),
        ),
        who_sees=(
            _("Your line manager, their manager, a deputy acting for your manager, and HR."),
        ),
        law=_(
            "Since 6 April 2024 the Employment Rights Act 1996, as amended in 2023, allows two "
            "requests a year from day one and a decision within two months including any appeal; "
            "this does not apply in Northern Ireland, where its own regulations apply."
        ),
        related=("flexible-working-deciding", "glossary"),
    ),
    HelpPage(
        slug="flexible-working-deciding",
        title=_("Deciding a flexible working request"),
        audience=Audience.MANAGERS,
        summary=_(
            "Consider each request fairly, talk to the person before saying no, and decide "
            "within the decision period."
        ),
        sections=(
            Section(
                _("Consultation"),
                (
                    _(
                        "Before you refuse, record a conversation with the person about the "
                        "request and what might work instead. Outside Northern Ireland the law "
                        "requires it for requests made since 6 April 2024, and the service will "
                        "not let you refuse such a request without one."
                    ),
                ),
            ),
            Section(
                _("The only reasons you can refuse for"),
                bullets=(
                    _("it would cost too much"),
                    _("it would harm your ability to meet customer demand"),
                    _("the work cannot be reorganised among other staff"),
                    _("you cannot recruit more staff"),
                    _("it would harm quality"),
                    _("it would harm performance"),
                    _("there is not enough work when the person wants to work"),
                    _("structural changes are planned"),
                ),
            ),
            Section(
                _("Extending the decision period"),
                (
                    _(
                        "If you need longer, you and the person can agree a later date. Record "
                        "it on the request; the new date becomes the deadline."
                    ),
                ),
            ),
            Section(
                _("Appeals"),
                (
                    _(
                        "If the person appeals, decide the appeal within the same period. It is "
                        "good practice for someone else to hear it."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "The person is told and gets a letter setting out the decision. If you agreed, "
                "they should be given a written statement of the change to their terms within one "
                "month."
            ),
        ),
        who_sees=(_("The person, you, your own manager, a deputy acting for you, and HR."),),
        law=_(
            "Section 80G of the Employment Rights Act 1996 allows a refusal only on one or more of "
            "eight business grounds, and since April 2024 only after consulting the employee; "
            "Northern Ireland's own regulations do not require the consultation."
        ),
        related=("flexible-working", "deputies"),
    ),
    HelpPage(
        slug="deputies",
        title=_("Deputies: deciding while a manager is away"),
        audience=Audience.MANAGERS,
        summary=_(
            "A line manager can name a colleague to decide their team's leave and flexible "
            "working requests for a set time."
        ),
        sections=(
            Section(
                _("Naming a deputy"),
                (
                    _(
                        "From your team's leave requests page choose 'Name a deputy', give their "
                        "staff number and the first and last days they act for you. You can end "
                        "it early at any time."
                    ),
                ),
            ),
            Section(
                _("Being a deputy"),
                (
                    _(
                        "While the dates last, the team's waiting requests appear on your own "
                        "leave and flexible working pages. Each decision you make says you acted "
                        "for the manager. You never decide your own request."
                    ),
                    _(
                        "A deputy does not see anyone's passport: sharing is always with the "
                        "line manager only."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "The deputy can act from the first day you gave. Their power ends on the last "
                "day, when you end it early, or if they leave the organisation."
            ),
        ),
        who_sees=(
            _(
                "The team's requests are seen by the deputy only while the deputyship lasts. "
                "You still see and decide everything yourself."
            ),
        ),
        related=("carers-leave-deciding", "flexible-working-deciding"),
    ),
    HelpPage(
        slug="staff-import",
        title=_("Importing staff records"),
        audience=Audience.HR,
        summary=_(
            "Bring your staff list in from your HR system as a spreadsheet file, as often as "
            "you like."
        ),
        sections=(
            Section(
                _("How it works"),
                (
                    _(
                        "Upload a CSV file with one row per person. The service checks every row "
                        "first and shows what would be added, changed and left alone. Nothing "
                        "is saved until you confirm."
                    ),
                    _(
                        "If any row has a problem, nothing is imported, and each problem is "
                        "listed with its row so you can fix the file and try again."
                    ),
                    _(
                        "Importing the same file twice changes nothing. You can choose to mark "
                        "people missing from the file as having left."
                    ),
                ),
            ),
            Section(
                _("Extracts from the NHS Electronic Staff Record"),
                (
                    _(
                        "An ESR extract can be uploaded as it comes, with one row for each "
                        "assignment. The service recognises it from its Employee Number and "
                        "Assignment Number columns and makes one staff record for each person. "
                        "Their primary assignment gives their unit and line manager: the person "
                        "who holds the supervisor's assignment number."
                    ),
                    _(
                        "Contracted hours are the whole-time equivalents of all their assignments "
                        "added up, against a 37.5-hour full-time week unless your service is set "
                        "up with another. Dates such as 01-APR-2024 and files saved by Excel in "
                        "the Windows character set are read as they are. The preview says which "
                        "layout the file was read as."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "Large files are imported in the background: the page shows progress and you "
                "can leave it. When it finishes, the staff list shows the new records. Invite "
                "people to sign in from the staff records."
            ),
        ),
        who_sees=(
            _(
                "HR and organisation admins. Staff see their own record; line managers see "
                "the people they manage."
            ),
        ),
        related=("glossary",),
    ),
    HelpPage(
        slug="invitations",
        title=_("Inviting staff to sign in"),
        audience=Audience.HR,
        summary=_(
            "Staff records do not give anyone a way in: each person joins through an emailed "
            "invitation, one at a time or everyone in a unit at once."
        ),
        sections=(
            Section(
                _("One person"),
                (
                    _(
                        "Type their work email and, to link the account to their staff record, "
                        "their staff number. The link in the email works once, for 14 days, "
                        "and they choose their own password."
                    ),
                ),
            ),
            Section(
                _("Everyone in post"),
                (
                    _(
                        "Choose a unit by its code, or leave it blank for the whole organisation. "
                        "The next page counts who would be invited before anything is sent: "
                        "people who already have an account here, whose invitation is still "
                        "open, or whose record has no work email are left out."
                    ),
                    _(
                        "The emails are sent in the background, one to each person, and the "
                        "page for the batch shows how far it has got. You can leave it, stop "
                        "the batch and continue it later: it carries on from where it was, "
                        "and nobody gets two invitations."
                    ),
                    _(
                        "Only one batch runs at a time in an organisation. Units under the one "
                        "you choose are included."
                    ),
                ),
            ),
            Section(
                _("Emails that did not arrive"),
                (
                    _(
                        "When a mail server refuses an invitation, or sends it back as "
                        "undeliverable, the batch's page lists the address as not delivered. "
                        "Correct the work email on the staff record, then invite the unit again: "
                        "only the corrected addresses are sent a new invitation."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "When someone accepts, their account is linked to their staff record and they "
                "join as an employee. Invitations not accepted are listed until they expire, "
                "and you can withdraw any of them."
            ),
        ),
        who_sees=(
            _(
                "HR and organisation admins. If the person who started a batch leaves or loses "
                "their role, the batch stops; another HR admin can continue it."
            ),
        ),
        related=("staff-import",),
    ),
    HelpPage(
        slug="benchmarks",
        title=_("The self-assessment against a benchmark"),
        audience=Audience.HR,
        summary=_(
            "Check how carer-friendly your organisation is against a recognised framework such "
            "as Carer Positive or Carer Confident."
        ),
        sections=(
            Section(
                _("Doing the self-assessment"),
                (
                    _(
                        "Start an assessment, then go through each criterion. Say what you do and "
                        "add evidence: text, links or documents. Some evidence comes from the "
                        "service itself, such as how many passports are agreed."
                    ),
                    _(
                        "The page shows the level you reach for each criterion and overall. "
                        "Criteria you do not yet meet can become an action plan in one step."
                    ),
                ),
            ),
        ),
        what_next=(
            _(
                "When you are done, sign the assessment off. It is then kept as it was, and you "
                "can use it as evidence for an award application."
            ),
        ),
        who_sees=(
            _(
                "HR and organisation admins. Numbers from the service never name people, and "
                "any count under 5 is shown as 'fewer than 5'."
            ),
        ),
        related=("leadership-commitment",),
    ),
    HelpPage(
        slug="leadership-commitment",
        title=_("The leadership commitment"),
        audience=Audience.HR,
        summary=_(
            "A short public promise, signed by a senior leader, that the organisation supports "
            "working carers."
        ),
        sections=(
            Section(
                _("From draft to published"),
                bullets=(
                    _("HR adopts the template or writes their own draft"),
                    _("HR marks the draft ready to sign"),
                    _("the executive sponsor reads and signs it"),
                    _("HR publishes it so everyone in the organisation can read it"),
                ),
            ),
        ),
        what_next=(
            _(
                "Once published, every member of staff sees it, and other organisations in your "
                "partnership can read it too. A later change makes a new version to sign."
            ),
        ),
        who_sees=(
            _(
                "Drafts: HR and the executive sponsor. Published: everyone in the organisation "
                "and its partnership."
            ),
        ),
        related=("benchmarks",),
    ),
    HelpPage(
        slug="figures",
        title=_("Your organisation's figures"),
        audience=Audience.HR,
        summary=_(
            "How many of your staff are carers, where, and whether the support works: counts "
            "only, made so that nobody can be picked out."
        ),
        sections=(
            Section(
                _("Where the numbers come from"),
                (
                    _(
                        "Only carers who ticked 'include me in anonymised counts' are counted. "
                        "The figures are taken once a month, on the first visit or by the "
                        "monthly task, and then stay the same all month."
                    ),
                ),
            ),
            Section(
                _("Why some figures are hidden or rounded"),
                bullets=(
                    _("a count from 1 to 4 shows as 'fewer than 5'"),
                    _("a figure that would give away a hidden one shows as 'not shown'"),
                    _("a unit, site or hours band with fewer than 10 staff is never shown alone"),
                    _("every other count is rounded to the nearest 5"),
                    _("shares are worked out from the rounded counts"),
                ),
            ),
        ),
        what_next=(
            _(
                "Download the figures as CSV or a spreadsheet, and compare your share of carers "
                "with the national estimate of about one worker in seven."
            ),
        ),
        who_sees=(
            _(
                "HR, organisation admins and the executive sponsor. A partnership lead sees the "
                "member organisations' figures added up, never one organisation's on its own."
            ),
        ),
        related=("benchmarks",),
    ),
)


GLOSSARY: tuple[Term, ...] = (
    Term(
        "carer",
        _("Carer"),
        _(
            "Someone who gives unpaid help to a relative, partner or friend who could not manage "
            "without it."
        ),
    ),
    Term(
        "carers-leave",
        _("Carer's leave"),
        _(
            "Unpaid time off, up to one working week in 12 months, to give or arrange care for a "
            "dependant with a long-term care need."
        ),
    ),
    Term(
        "consultation",
        _("Consultation"),
        _(
            "A conversation a manager must have with the person about a flexible working request "
            "before refusing it (not required in Northern Ireland)."
        ),
    ),
    Term(
        "decision-period",
        _("Decision period"),
        _(
            "The time an employer has to decide a flexible working request, including any "
            "appeal: two months from the day it arrives (three in Northern Ireland), unless both "
            "agree longer."
        ),
    ),
    Term(
        "dependant",
        _("Dependant"),
        _(
            "A husband, wife, partner, child or parent, someone who lives with you (not as a "
            "tenant or lodger), or anyone who reasonably relies on you for care."
        ),
    ),
    Term(
        "deputy",
        _("Deputy"),
        _(
            "A colleague a line manager names to decide their team's leave and flexible working "
            "requests between two dates."
        ),
    ),
    Term(
        "flexible-working-request",
        _("Flexible working request"),
        _(
            "A formal request to change your hours, times or place of work. You can make two in "
            "any 12 months."
        ),
    ),
    Term(
        "line-manager",
        _("Line manager"),
        _("The person your staff record names as managing you."),
    ),
    Term(
        "passport",
        _("Passport (Working Carer's Passport)"),
        _(
            "Your record of your caring role, what helps you at work and what you and your "
            "manager have agreed. It belongs to you."
        ),
    ),
    Term(
        "plan-b",
        _("Plan B"),
        _(
            "Your emergency plan on your passport: who can step in and what should happen at work "
            "if you have to leave at once."
        ),
    ),
    Term(
        "time-off-for-dependants",
        _("Time off for dependants"),
        _(
            "A reasonable amount of unpaid time off to deal with an emergency involving someone "
            "who depends on you. No notice is needed."
        ),
    ),
)

GLOSSARY_SLUG = "glossary"

_BY_SLUG: dict[str, HelpPage] = {page.slug: page for page in PAGES}


def page_for(slug: str) -> HelpPage | None:
    return _BY_SLUG.get(slug)


def slugs() -> frozenset[str]:
    """Every address other pages may link to: the pages and the glossary."""
    return frozenset(_BY_SLUG) | {GLOSSARY_SLUG}


def pages_by_audience() -> list[tuple[Text, list[HelpPage]]]:
    return [
        (heading, [page for page in PAGES if page.audience == audience])
        for audience, heading in AUDIENCE_HEADINGS.items()
    ]
