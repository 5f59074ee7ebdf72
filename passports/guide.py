"""The conversation guide: prompts for a line manager, set beside a carer's passport.

The prompts are data, kept here rather than in a template, so they can be read, tested and
translated as a whole. The guide pairs each section of the passport as it stands with a few
prompts for that section; it reads only the passport it is given and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.dateformat import format as date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passports.models import Adjustment, AdjustmentKind, AdjustmentStatus, Passport

StrOrPromise = str | Promise


class PromptKind(models.TextChoices):
    """What a prompt asks of the manager, shown as its label."""

    SCENE = "scene", _("Set the scene")
    ASK = "ask", _("You could ask")
    LISTEN = "listen", _("Listen")
    AVOID = "avoid", _("Do not ask")
    PRIVATE = "private", _("Keep it private")
    AGREE = "agree", _("Agree")


@dataclass(frozen=True)
class Prompt:
    kind: PromptKind
    text: StrOrPromise


@dataclass(frozen=True)
class GuideSection:
    """One section of the passport in the carer's own words, and the prompts that go with it."""

    heading: StrOrPromise
    #: What the passport says, as written (empty when nothing is written yet).
    words: str
    #: Shown instead of ``words`` when they are empty.
    empty: StrOrPromise
    prompts: tuple[Prompt, ...]
    #: Short facts beside the words: an adjustment's status, its review date.
    facts: tuple[StrOrPromise, ...] = ()


@dataclass(frozen=True)
class Guide:
    opening: tuple[Prompt, ...]
    sections: tuple[GuideSection, ...]
    closing: tuple[Prompt, ...]


OPENING: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.SCENE,
        _(
            "Thank them for sharing their passport and say what the meeting is for: finding what "
            "would help work and caring fit together. It is not a review of how they are coping."
        ),
    ),
    Prompt(
        PromptKind.ASK,
        _("“How are things at the moment, and what would you most like to talk about today?”"),
    ),
    Prompt(
        PromptKind.PRIVATE,
        _(
            "Say who will know what you talk about: nobody else, unless they agree. They shared "
            "the passport with you alone."
        ),
    ),
    Prompt(
        PromptKind.LISTEN,
        _("Say you can stop at any point and carry on another day. Let them set the pace."),
    ),
)

CLOSING: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.AGREE,
        _(
            "Sum up in a sentence or two what you have agreed, and what each of you will do next. "
            "Check they see it the same way."
        ),
    ),
    Prompt(
        PromptKind.ASK,
        _("“If things change before we next meet, how would you like to let me know?”"),
    ),
    Prompt(
        PromptKind.PRIVATE,
        _(
            "Do not pass on what they told you, even to HR or your own manager, without asking "
            "them first. If you note the conversation, write only what you would both be happy "
            "to read later: the carer can read every note."
        ),
    ),
)

ABOUT_CARING: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.ASK,
        _(
            "“What does a usual week look like for you just now, at home and at work?” and "
            "“Has anything changed since you wrote this?”"
        ),
    ),
    Prompt(
        PromptKind.AVOID,
        _(
            "You do not need the name, diagnosis or health details of the person they care for. "
            "If they tell you, listen, but do not ask for more than they offer."
        ),
    ),
    Prompt(
        PromptKind.LISTEN,
        _(
            "Let them tell it their own way. Leave pauses, and say back in your own words what "
            "you heard so they can put you right."
        ),
    ),
)

PLAN_B_CONTACTS: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.ASK,
        _("“If something happens at home while you are at work, how should we reach you?”"),
    ),
    Prompt(
        PromptKind.PRIVATE,
        _(
            "These details are for an emergency only. Keep them out of rotas, team chats and "
            "group emails."
        ),
    ),
    Prompt(PromptKind.ASK, _("“Is this still right? When did you last check it?”")),
)

PLAN_B_AT_WORK: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.ASK,
        _("“If you had to leave at once, what could wait, and who could pick up the rest?”"),
    ),
    Prompt(
        PromptKind.AGREE,
        _(
            "What the team is told if they leave suddenly. Usually that they had to go is "
            "enough: the reason is theirs to share."
        ),
    ),
    Prompt(PromptKind.ASK, _("“What would help most from me on the day, and the day after?”")),
)

REQUESTED: tuple[Prompt, ...] = (
    Prompt(PromptKind.ASK, _("“What difference would this make to your week?”")),
    Prompt(
        PromptKind.LISTEN,
        _(
            "Take each request on its own. Think about what the job and the team need before you "
            "answer, and say so if you need time to find out."
        ),
    ),
    Prompt(
        PromptKind.AGREE,
        _(
            "If you cannot agree it as asked, explain why, and look together for something that "
            "would work instead."
        ),
    ),
)

AGREED: tuple[Prompt, ...] = (
    Prompt(PromptKind.ASK, _("“Is this still working, for you and for the team?”")),
    Prompt(PromptKind.ASK, _("“Is there anything about it you would change?”")),
    Prompt(
        PromptKind.AGREE,
        _(
            "If it needs to change, change it on the passport together and agree when to look again."
        ),
    ),
)

NO_ADJUSTMENTS: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.ASK,
        _("“What would make work and caring fit together a little better?”"),
    ),
    Prompt(
        PromptKind.LISTEN,
        _(
            "There is no need to settle anything today. They can add a request to their passport "
            "when they are ready, and you can propose one too."
        ),
    ),
)

#: One more prompt for the kinds of adjustment that touch the law or the contract.
BY_KIND: dict[str, Prompt] = {
    AdjustmentKind.SHORT_NOTICE_LEAVE: Prompt(
        PromptKind.AGREE,
        _(
            "Make sure they know about carer's leave and time off for emergencies. The passport "
            "sits beside those rights; it does not replace them."
        ),
    ),
    AdjustmentKind.COMPRESSED_HOURS: Prompt(
        PromptKind.AGREE,
        _(
            "A lasting change to hours needs a flexible working request: the passport does not "
            "change anyone's contract."
        ),
    ),
    AdjustmentKind.HOME_WORKING: Prompt(
        PromptKind.AGREE,
        _(
            "A lasting change to where they work needs a flexible working request: the passport "
            "does not change anyone's contract."
        ),
    ),
}

REVIEW: tuple[Prompt, ...] = (
    Prompt(
        PromptKind.AGREE,
        _(
            "A date to look at the passport again: usually within a year, and sooner if things "
            "change at home or at work."
        ),
    ),
    Prompt(
        PromptKind.ASK,
        _("“Would a short check-in between reviews help? How often would suit you?”"),
    ),
)

#: Adjustments the guide talks through: ones asked for and ones agreed. Declined and ended
#: ones stay on the passport page.
DISCUSSED = (AdjustmentStatus.REQUESTED, AdjustmentStatus.AGREED)


def _adjustment_section(adjustment: Adjustment) -> GuideSection:
    prompts = REQUESTED if adjustment.status == AdjustmentStatus.REQUESTED else AGREED
    extra = BY_KIND.get(adjustment.kind)
    facts: list[StrOrPromise] = [
        _("Asked for") if adjustment.status == AdjustmentStatus.REQUESTED else _("Agreed")
    ]
    if adjustment.proposed_by_manager:
        facts.append(_("Proposed by the line manager"))
    if adjustment.review_on:
        facts.append(_("Review by %(date)s") % {"date": _long_date(adjustment.review_on)})
    return GuideSection(
        heading=adjustment.get_kind_display(),
        words=adjustment.details,
        empty=_("No details written."),
        prompts=prompts + ((extra,) if extra else ()),
        facts=tuple(facts),
    )


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


def conversation_guide(
    *, passport: Passport, adjustments: Iterable[Adjustment], today: date
) -> Guide:
    """The guide for this passport as it stands: its sections in order, each with prompts.

    ``adjustments`` are the passport's own (already fetched), so the guide costs no query.
    """
    review_facts: tuple[StrOrPromise, ...] = ()
    if passport.next_review_on and passport.next_review_on < today:
        review_facts = (_("Overdue"),)
    discussed = [_adjustment_section(a) for a in adjustments if a.status in DISCUSSED]
    sections = [
        GuideSection(
            heading=_("About their caring role"),
            words=passport.about_caring,
            empty=_("Nothing written yet."),
            prompts=ABOUT_CARING,
        ),
        GuideSection(
            heading=_("Plan B: who to contact"),
            words=passport.plan_b_contacts,
            empty=_("Not written yet."),
            prompts=PLAN_B_CONTACTS,
        ),
        GuideSection(
            heading=_("Plan B: what happens at work"),
            words=passport.plan_b_at_work,
            empty=_("Not written yet."),
            prompts=PLAN_B_AT_WORK,
        ),
        *(
            discussed
            or [
                GuideSection(
                    heading=_("What helps"),
                    words="",
                    empty=_("Nothing asked for or agreed yet."),
                    prompts=NO_ADJUSTMENTS,
                )
            ]
        ),
        GuideSection(
            heading=_("Review"),
            words=(
                str(_("Next review by %(date)s.") % {"date": _long_date(passport.next_review_on)})
                if passport.next_review_on
                else ""
            ),
            empty=_("No review date set."),
            prompts=REVIEW,
            facts=review_facts,
        ),
    ]
    return Guide(opening=OPENING, sections=tuple(sections), closing=CLOSING)
