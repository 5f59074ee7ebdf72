"""What other feature apps may use from benchmarks; nothing else in the app is theirs to
import.

Insight's board report and the partnership's page show where an organisation stands on each
framework: the level of its newest signed-off self-assessment, or of the draft under way when
none is signed off yet. They get plain values, never assessment rows, and a partnership's
members are read together in a constant number of queries however many there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from benchmarks.frameworks import Framework, frameworks
from benchmarks.levels import assess
from benchmarks.models import Assessment, AssessmentStatus, RequirementAnswer
from organisations.models import Organisation


@dataclass(frozen=True)
class FrameworkPosition:
    """Where one organisation stands on one framework."""

    framework_slug: str
    framework_name: str
    #: The level's name ("Established"), a checklist's progress, or "" when none is reached.
    level: str
    #: True when ``level`` is a signed-off assessment's; False for a draft's so far.
    signed_off: bool
    #: The day it was signed off, or the draft was last changed; None with no assessment.
    on: date | None
    #: The assessment's version number; None when the organisation has not started one.
    version: int | None

    @property
    def assessed(self) -> bool:
        return self.version is not None

    @property
    def describe(self) -> str:
        """One phrase for a table cell or the board report."""
        if not self.assessed:
            return _("Not assessed")
        level = self.level or _("no level yet")
        if self.signed_off:
            return _("%(level)s (signed off)") % {"level": level}
        return _("%(level)s (draft, not signed off)") % {"level": level}


def _chosen(assessments: Iterable[Assessment]) -> dict[tuple[int, str], Assessment]:
    """Per organisation and framework: the newest signed-off assessment, else the newest."""
    chosen: dict[tuple[int, str], Assessment] = {}
    for assessment in assessments:  # newest first within each framework
        key = (assessment.organisation_id, assessment.framework_slug)
        current = chosen.get(key)
        if current is None or (current.is_draft and not assessment.is_draft):
            chosen[key] = assessment
    return chosen


def _level(framework: Framework, assessment: Assessment, answers: dict[str, str]) -> str:
    if not assessment.is_draft and not framework.is_checklist:
        # Stored at sign-off; the framework's own name for it, as the benchmarks page shows.
        return framework.level_name(assessment.overall_level) or assessment.overall_level
    result = assess(framework, answers)
    if framework.is_checklist and result.checklist is not None:
        return result.checklist.describe()
    return framework.level_name(result.overall)


def _day(assessment: Assessment) -> date:
    moment = assessment.signed_off_at if not assessment.is_draft else assessment.updated_at
    return timezone.localtime(moment or assessment.updated_at).date()


def positions_for(
    organisations: Sequence[Organisation],
) -> dict[int, list[FrameworkPosition]]:
    """Each organisation's position on every framework of this deployment, by organisation
    id, frameworks by name: two queries whatever the number of organisations."""
    available = sorted(frameworks().values(), key=lambda f: f.name.casefold())
    ids = [organisation.pk for organisation in organisations]
    found = (
        Assessment.objects.filter(organisation_id__in=ids)
        .defer("framework_data")
        .order_by("organisation_id", "framework_slug", "-number")
    )
    chosen = _chosen(found)
    need_answers = [
        assessment.pk
        for assessment in chosen.values()
        if assessment.is_draft or _checklist(assessment.framework_slug)
    ]
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    if need_answers:
        for assessment_id, key, status in RequirementAnswer.objects.filter(
            assessment_id__in=need_answers
        ).values_list("assessment_id", "requirement_key", "status"):
            answers[assessment_id][key] = status
    out: dict[int, list[FrameworkPosition]] = {}
    for organisation_id in ids:
        positions = []
        for framework in available:
            assessment = chosen.get((organisation_id, framework.slug))
            if assessment is None:
                positions.append(
                    FrameworkPosition(framework.slug, framework.name, "", False, None, None)
                )
                continue
            positions.append(
                FrameworkPosition(
                    framework_slug=framework.slug,
                    framework_name=framework.name,
                    level=_level(framework, assessment, answers[assessment.pk]),
                    signed_off=assessment.status == AssessmentStatus.SIGNED_OFF,
                    on=_day(assessment),
                    version=assessment.number,
                )
            )
        out[organisation_id] = positions
    return out


def _checklist(slug: str) -> bool:
    framework = frameworks().get(slug)
    return framework is not None and framework.is_checklist


def positions_of(*, organisation: Organisation) -> list[FrameworkPosition]:
    """The organisation's position on every framework, frameworks by name."""
    return positions_for([organisation])[organisation.pk]


__all__ = ["FrameworkPosition", "positions_for", "positions_of"]
