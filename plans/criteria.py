"""Benchmark criteria a plan row or action can point at, read from the ``benchmarks``
app's framework files. Rows keep the criterion's title as well as its reference, so a plan
still reads well after a framework file changes or is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.frameworks import frameworks


@dataclass(frozen=True)
class Criterion:
    ref: str  #: ``"<framework slug>:<criterion key>"``
    title: str


@dataclass(frozen=True)
class FrameworkCriteria:
    name: str
    criteria: tuple[Criterion, ...]


def framework_criteria() -> list[FrameworkCriteria]:
    """Each framework's criteria, in the framework's order."""
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


def criterion_titles() -> dict[str, str]:
    """Every known criterion's title by reference."""
    return {c.ref: c.title for group in framework_criteria() for c in group.criteria}
