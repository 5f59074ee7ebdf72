"""The six Core Principles for working with carers, as the reflection log offers them.

Our own wording of the principles of the NES / SSSC "Equal Partners in Care" framework
(docs/learning.md, "Reflection log"). Each has a short explanation and prompts at two levels:
one for everyone, one for people who line manage others, because a line manager can act on a
principle for a whole team. The slugs are stored with each entry, so never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The framework reference a step carries into a personal plan (``"<framework>:<principle>"``).
FRAMEWORK = "core-principles"


@dataclass(frozen=True)
class Principle:
    slug: str
    title: str
    explanation: str
    #: Questions to think about, for everyone.
    prompts: tuple[str, ...]
    #: Questions to think about, for people who line manage others.
    manager_prompts: tuple[str, ...]

    @property
    def criterion_ref(self) -> str:
        """How a personal plan names this principle."""
        return f"{FRAMEWORK}:{self.slug}"

    def prompts_for(self, *, line_manager: bool) -> tuple[str, ...]:
        return self.manager_prompts if line_manager else self.prompts


PRINCIPLES: tuple[Principle, ...] = (
    Principle(
        slug="identify-early",
        title="Identify carers early",
        explanation=(
            "Many people look after someone for years before they think of themselves as a "
            "carer. The sooner a colleague recognises it, and feels safe saying so, the sooner "
            "support can start, before things reach a crisis."
        ),
        prompts=(
            "What might make someone here keep their caring role to themselves?",
            "If a colleague mentioned looking after a relative, what would you say next?",
            "Do you know where someone here can say privately that they are a carer?",
        ),
        manager_prompts=(
            "How would someone in your team know it is safe to tell you they care for someone?",
            "Which signs, such as short-notice absences or calls at work, could you ask about "
            "kindly rather than judge?",
            "When did you last mention the support for carers in a team meeting or a one-to-one?",
        ),
    ),
    Principle(
        slug="recognise-expertise",
        title="Recognise their expertise",
        explanation=(
            "A carer usually knows the person they look after better than anyone: what helps, "
            "what makes things worse, what a bad day looks like. That knowledge is worth "
            "listening to, at work as well as in health and care services."
        ),
        prompts=(
            "What skills has caring given you, or someone you know, that are useful at work?",
            "When have you assumed you knew better than the person closest to a situation?",
        ),
        manager_prompts=(
            "How do you ask a carer in your team what would help, instead of deciding for them?",
            "Which skills that carers build, such as planning or staying calm, does your team "
            "make use of?",
        ),
    ),
    Principle(
        slug="equal-partners",
        title="Treat them as equal partners",
        explanation=(
            "Decisions that affect a carer work best when they are made with the carer, not "
            "about them. An equal partner is asked, listened to and kept informed, and agrees "
            "the plan."
        ),
        prompts=(
            "Think of a decision that affected you at work. Were you part of making it?",
            "How could you make sure a carer's view is heard when plans change?",
        ),
        manager_prompts=(
            "When you agree an adjustment, who writes down what was agreed, and who checks it "
            "still works?",
            "How do you agree changes with a carer in your team before they happen, not after?",
            "What would you do if what suits the team and what a carer needs pull apart?",
        ),
    ),
    Principle(
        slug="support-wellbeing",
        title="Support their wellbeing",
        explanation=(
            "Caring can be tiring and worrying, and carers often put their own health last. "
            "Small things at work, such as a flexible start or a quiet word, can make the "
            "difference between coping and burning out."
        ),
        prompts=(
            "What helps you keep going when work and home both ask a lot of you?",
            "How would you notice that a colleague was running on empty?",
        ),
        manager_prompts=(
            "How do your one-to-ones leave room to ask how someone is, not only what they are "
            "doing?",
            "Which flexibility could you offer quickly, without waiting for a formal request?",
        ),
    ),
    Principle(
        slug="signpost-support",
        title="Signpost to information and support",
        explanation=(
            "Nobody is expected to have every answer. What helps is knowing where to point "
            "someone: the support here at work, local carers' services and national advice, "
            "including the right to a carer's assessment."
        ),
        prompts=(
            "Could you name one place inside work and one outside that a carer can turn to?",
            "What would you say to a colleague who does not know where to start?",
        ),
        manager_prompts=(
            "Do you know this organisation's carer's leave and flexible working rules well "
            "enough to explain them?",
            "Where would you point someone for support you cannot give yourself?",
            "How do you follow up after pointing someone to support?",
        ),
    ),
    Principle(
        slug="life-outside-caring",
        title="Respect their right to a life outside caring",
        explanation=(
            "A carer is also a worker, a friend and a person with their own plans. Work, "
            "learning, rest and time with others matter to them, and staying in work is often "
            "part of that."
        ),
        prompts=(
            "What does a life outside caring look like for you, or for someone you know?",
            "How could work help a carer keep the things that matter to them?",
        ),
        manager_prompts=(
            "Are carers in your team offered the same training and chances to progress as "
            "everyone else?",
            "How do you make sure an adjustment does not quietly shut a door for someone's career?",
        ),
    ),
)

_BY_SLUG = {p.slug: p for p in PRINCIPLES}


def principle(slug: str) -> Principle | None:
    return _BY_SLUG.get(slug)
