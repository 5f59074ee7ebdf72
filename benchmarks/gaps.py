"""What benchmarks hands to the action plans: an assessment's unmet requirements as
``plans.public.Gap`` values, and the frameworks' criteria a plan row can point at.

Pure: a framework, the answers and a target level in, gaps out. The view hands them to the
plans app, which makes one action per gap (docs/benchmarks.md, "Turn the gaps into a plan").
"""

from __future__ import annotations

from collections.abc import Mapping

from benchmarks.frameworks import Framework, frameworks
from benchmarks.levels import FrameworkResult, missing_for_target
from plans.public import Criterion, FrameworkCriteria, Gap


def default_target(result: FrameworkResult) -> str | None:
    """The level to plan for when nobody chooses: the one above where the organisation is.

    A checklist's only level, until every item is done. None when there is nothing left.
    """
    return result.next_level


def gaps_for(
    *,
    framework: Framework,
    answers: Mapping[str, str],
    target: str,
    assessment_id: int | None = None,
) -> list[Gap]:
    """One gap per requirement not met at ``target`` or any level below, criterion by criterion."""
    if framework.level(target) is None:
        raise ValueError(f"{target!r} is not a level of {framework.slug}")
    requirements = {r.key: r for _c, r in framework.requirements()}
    gaps = []
    for criterion, keys in missing_for_target(framework, answers, target):
        for key in keys:
            requirement = requirements[key]
            gaps.append(
                Gap(
                    criterion_ref=f"{framework.slug}:{criterion.key}",
                    criterion_title=criterion.title,
                    requirement_ref=f"{framework.slug}:{criterion.key}:{requirement.key}",
                    requirement_text=requirement.text,
                    level_name=framework.level_name(requirement.level),
                    assessment_id=assessment_id,
                )
            )
    return gaps


def criteria_for_plans() -> list[FrameworkCriteria]:
    """Each framework's criteria, in the framework's order, for the plans' pickers."""
    return [
        FrameworkCriteria(
            name=str(framework.name),
            criteria=tuple(
                Criterion(ref=f"{framework.slug}:{criterion.key}", title=str(criterion.title))
                for criterion in framework.criteria
            ),
        )
        for framework in frameworks().values()
    ]
