"""How a self-assessment turns into levels: named rules over plain values.

Each requirement is answered ``met``, ``partly`` or ``not_met``; an unanswered requirement
counts as not met. The rules, as both Carer Positive and Carer Confident describe their
awards (docs/frameworks.md, "The levels rule"):

- a criterion reaches a level when every requirement at that level and at every level
  below it is met ("partly" is progress, not a pass);
- the organisation's overall level is the lowest level any criterion reaches, since an
  award needs every criterion at that level;
- a checklist has no levels to climb: it is how many items are done, and which are not.

Nothing here reads the database, so the rules are tested table by table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benchmarks.frameworks import Criterion, Framework

MET = "met"
PARTLY = "partly"
NOT_MET = "not_met"
ANSWERS = (MET, PARTLY, NOT_MET)


def answer_of(answers: Mapping[str, str], key: str) -> str:
    """The answer to one requirement; anything unanswered or unknown is not met."""
    value = answers.get(key, NOT_MET)
    return value if value in ANSWERS else NOT_MET


@dataclass(frozen=True)
class Progress:
    """How far a set of requirements has got."""

    met: int
    partly: int
    total: int

    @property
    def not_met(self) -> int:
        return self.total - self.met - self.partly

    @property
    def complete(self) -> bool:
        return self.met == self.total

    def describe(self) -> str:
        """For example "2 of 3 met, 1 partly"."""
        text = _("%(met)s of %(total)s met") % {"met": self.met, "total": self.total}
        if self.partly:
            text += ", " + ngettext("%(n)s partly", "%(n)s partly", self.partly) % {
                "n": self.partly
            }
        return text


def progress_of(keys: Sequence[str], answers: Mapping[str, str]) -> Progress:
    given = [answer_of(answers, key) for key in keys]
    return Progress(met=given.count(MET), partly=given.count(PARTLY), total=len(given))


@dataclass(frozen=True)
class CriterionLevel:
    """Where one criterion stands."""

    #: The highest level reached, or None when not even the first is.
    level: str | None
    #: The level above it, or None at the top.
    next_level: str | None
    #: The requirements at ``next_level`` that are not met yet, in the framework's order.
    missing: tuple[str, ...]
    #: Progress towards ``next_level`` (None at the top).
    progress: Progress | None
    #: Progress at each level, lowest first.
    by_level: tuple[tuple[str, Progress], ...]


def criterion_level(
    *,
    levels: Sequence[str],
    requirements: Sequence[tuple[str, str]],
    answers: Mapping[str, str],
) -> CriterionLevel:
    """The highest level whose requirements, and all lower levels' requirements, are met.

    ``levels`` are level keys lowest first; ``requirements`` are (key, level key) pairs.
    """
    at_level = {
        level: [key for key, req_level in requirements if req_level == level] for level in levels
    }
    by_level = tuple((level, progress_of(at_level[level], answers)) for level in levels)
    reached: str | None = None
    for level, progress in by_level:
        if not progress.complete:
            break
        reached = level
    position = levels.index(reached) + 1 if reached is not None else 0
    if position >= len(levels):
        return CriterionLevel(reached, None, (), None, by_level)
    next_level = levels[position]
    missing = tuple(key for key in at_level[next_level] if answer_of(answers, key) != MET)
    return CriterionLevel(reached, next_level, missing, by_level[position][1], by_level)


def overall_level(*, levels: Sequence[str], criterion_levels: Sequence[str | None]) -> str | None:
    """The lowest level any criterion reaches: an award needs every criterion at its level."""
    if not criterion_levels or any(level is None for level in criterion_levels):
        return None
    return min(criterion_levels, key=lambda level: levels.index(level or ""))


def next_level_above(*, levels: Sequence[str], level: str | None) -> str | None:
    position = levels.index(level) + 1 if level is not None else 0
    return levels[position] if position < len(levels) else None


def missing_up_to(
    *,
    levels: Sequence[str],
    target: str,
    requirements: Sequence[tuple[str, str]],
    answers: Mapping[str, str],
) -> tuple[str, ...]:
    """Every requirement at ``target`` or below that is not met: what stands between a
    criterion and ``target``, including any lower level it has not reached yet."""
    allowed = set(levels[: levels.index(target) + 1])
    return tuple(
        key for key, level in requirements if level in allowed and answer_of(answers, key) != MET
    )


@dataclass(frozen=True)
class ChecklistProgress:
    done: int
    partly: int
    total: int
    #: Items not done yet, in the framework's order.
    missing: tuple[str, ...]

    def describe(self) -> str:
        return Progress(self.done, self.partly, self.total).describe()


def checklist_progress(*, items: Sequence[str], answers: Mapping[str, str]) -> ChecklistProgress:
    """A checklist is done item by item: how many are, and which are not."""
    progress = progress_of(items, answers)
    missing = tuple(key for key in items if answer_of(answers, key) != MET)
    return ChecklistProgress(progress.met, progress.partly, progress.total, missing)


# --- A whole framework -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    result: CriterionLevel
    #: Done count for this criterion's items when the framework is a checklist.
    checklist: ChecklistProgress | None


@dataclass(frozen=True)
class FrameworkResult:
    framework: Framework
    criteria: tuple[CriterionResult, ...]
    #: Levelled frameworks: the lowest criterion level; checklists: the one level if all done.
    overall: str | None
    next_level: str | None
    #: Checklists only: items done out of all items.
    checklist: ChecklistProgress | None

    def for_criterion(self, key: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.criterion.key == key), None)


def _pairs(criterion: Criterion) -> list[tuple[str, str]]:
    return [(r.key, r.level) for r in criterion.requirements]


def assess(framework: Framework, answers: Mapping[str, str]) -> FrameworkResult:
    """Every criterion's level, the overall level and the next one, for one set of answers."""
    levels = framework.level_keys
    results = []
    for criterion in framework.criteria:
        keys = [r.key for r in criterion.requirements]
        results.append(
            CriterionResult(
                criterion=criterion,
                result=criterion_level(
                    levels=levels, requirements=_pairs(criterion), answers=answers
                ),
                checklist=checklist_progress(items=keys, answers=answers)
                if framework.is_checklist
                else None,
            )
        )
    overall = overall_level(levels=levels, criterion_levels=[c.result.level for c in results])
    checklist = (
        checklist_progress(items=[r.key for _c, r in framework.requirements()], answers=answers)
        if framework.is_checklist
        else None
    )
    return FrameworkResult(
        framework=framework,
        criteria=tuple(results),
        overall=overall,
        next_level=next_level_above(levels=levels, level=overall),
        checklist=checklist,
    )


def missing_for_target(
    framework: Framework, answers: Mapping[str, str], target: str
) -> list[tuple[Criterion, tuple[str, ...]]]:
    """Per criterion, the requirements not met at ``target`` or below (criteria with none left out)."""
    found = []
    for criterion in framework.criteria:
        keys = missing_up_to(
            levels=framework.level_keys,
            target=target,
            requirements=_pairs(criterion),
            answers=answers,
        )
        if keys:
            found.append((criterion, keys))
    return found
