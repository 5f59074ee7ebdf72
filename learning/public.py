"""What other feature apps may use from learning; nothing else in the app is theirs to import.

Benchmarks' live evidence asks how many line managers, staff and champions passed a module.
It gets numbers, never rows and never names, so no other app depends on learning's tables or
sees one person's result (docs/learning.md: results are the learner's own). Small numbers are
the caller's to hide (docs/trust-rules.md, rule 4).

A group is people in post with an account here: a staff record in post can learn only once
someone signs in with it, and someone who has left is counted nowhere. A pass counts when it was
on a version of the module that still stands (``Module.withdrawn_reason``), as ``has_passed``
decides for the learner. The carers' choice not to be counted (``include_in_counts``) is about
carer status, which these counts neither read nor reveal, so it does not apply here.

Each function is a fixed number of queries however many staff there are: ``completion`` one,
``completion_by_unit`` one, grouped by unit in the database.

Passports builds the person's "download everything about me" file (trust rule 7), and takes
their own reflection log into it from here as plain values, never reading learning's tables.

Policies shows an organisation's own policy text with the lessons' Markdown renderer
(``render_markdown``), so there is one safe way to turn what HR types into a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from learning.catalogue import find_module
from learning.content import Lesson, Module, render_lesson
from learning.links import resolve_link
from learning.models import Badge, ModuleProgress, QuizAttempt, ReflectionEntry
from learning.principles import PRINCIPLES
from organisations.models import Membership, Organisation, Role, StaffRecord, StaffStatus


class Group(models.TextChoices):
    """Whose completion is counted."""

    #: Everyone in post with an account.
    EVERYONE = "everyone", _("Everyone in post")
    #: People in post who line manage at least one person in post, the rule that decides who
    #: is recommended the managers' module and who decides leave (``direct_reports``).
    MANAGERS = "managers", _("Line managers")
    #: People in post who hold the carer champion role.
    CHAMPIONS = "champions", _("Carer champions")


@dataclass(frozen=True)
class Completion:
    """How many of a group passed a module, out of how many in the group."""

    passed: int
    total: int

    @property
    def not_passed(self) -> int:
        return self.total - self.passed


@dataclass(frozen=True)
class UnitCompletion:
    """``Completion`` in one unit; ``unit_id`` None for people with no unit on their record."""

    unit_id: int | None
    unit_name: str
    completion: Completion


def _module(organisation: Organisation, slug: str) -> Module:
    """A shipped module or one of the organisation's own, also one taken away from learners:
    the passes on it still count."""
    found = find_module(organisation_id=organisation.pk, slug=slug, include_retired=True)
    if found is None:
        raise ValueError(f"No module {slug!r}")
    return found


def _group(organisation: Organisation, among: Group) -> QuerySet[StaffRecord]:
    people = StaffRecord.objects.filter(
        organisation=organisation, status=StaffStatus.ACTIVE, user__isnull=False
    )
    if among == Group.MANAGERS:
        reports = StaffRecord.objects.filter(
            line_manager_id=OuterRef("pk"), status=StaffStatus.ACTIVE
        )
        return people.filter(Exists(reports))
    if among == Group.CHAMPIONS:
        # In post (above), so the role still carries power (``Membership.with_power``).
        champion = Membership.objects.filter(
            organisation=organisation, user_id=OuterRef("user_id"), role=Role.CHAMPION
        )
        return people.filter(Exists(champion))
    return people


def _passed(organisation: Organisation, found: Module) -> Q:
    """A person passed ``found`` on a version that still stands."""
    passes = ModuleProgress.objects.filter(
        organisation=organisation,
        user_id=OuterRef("user_id"),
        module=found.slug,
        completed_at__isnull=False,
    ).exclude(module_version__in=list(found.withdrawn))
    return Q(Exists(passes))


def completion(*, organisation: Organisation, module_slug: str, among: Group) -> Completion:
    """How many of ``among`` passed the module, and how many there are: one query."""
    found = _module(organisation, module_slug)
    counts = _group(organisation, among).aggregate(
        total=Count("pk"), passed=Count("pk", filter=_passed(organisation, found))
    )
    return Completion(passed=counts["passed"], total=counts["total"])


def completion_by_unit(
    *, organisation: Organisation, module_slug: str, among: Group
) -> list[UnitCompletion]:
    """``completion`` for each unit that has someone in the group, by unit name, with people
    on no unit last: one grouped query. Together the rows add up to ``completion``."""
    found = _module(organisation, module_slug)
    rows = (
        _group(organisation, among)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(total=Count("pk"), passed=Count("pk", filter=_passed(organisation, found)))
    )
    out = [
        UnitCompletion(
            unit_id=row["unit_id"],
            unit_name=row["unit__name"] or "",
            completion=Completion(passed=row["passed"], total=row["total"]),
        )
        for row in rows
    ]
    return sorted(out, key=lambda r: (r.unit_id is None, r.unit_name.casefold(), r.unit_id or 0))


def reflection_log_export(*, organisation_id: int, user_id: int) -> list[dict[str, Any]]:
    """The person's own reflections here, in the principles' order, as plain values for a
    download: one query. Only for the person themselves: the log is private to them."""
    entries = {
        row.principle: row
        for row in ReflectionEntry.objects.filter(organisation_id=organisation_id, user_id=user_id)
    }
    return [
        {
            "principle": item.title,
            "notes": entry.notes,
            "first_step": entry.first_step,
            "saved_at": entry.updated_at.isoformat(),
        }
        for item in PRINCIPLES
        if (entry := entries.get(item.slug)) is not None
    ]


def learning_export(*, organisation_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The person's own learning here as plain values for their download: how far they came in
    each module, every quiz attempt with its score, and their badges with the signed file.
    Three queries. Only for the person themselves: results are theirs alone."""
    mine = {"organisation_id": organisation_id, "user_id": user_id}
    progress = [
        {
            "module": row.module,
            "module_version": row.module_version,
            "lessons_done": list(row.lessons_done),
            "started_at": row.started_at.isoformat(),
            "passed_at": row.completed_at.isoformat() if row.completed_at else None,
        }
        for row in ModuleProgress.objects.filter(**mine).order_by("started_at", "pk")
    ]
    attempts = [
        {
            "module": row.module,
            "module_version": row.module_version,
            "started_at": row.started_at.isoformat(),
            "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
            "questions": list(row.questions),
            "answers": dict(row.answers),
            "score": row.score,
            "passed": row.passed,
        }
        for row in QuizAttempt.objects.filter(**mine).order_by("started_at", "pk")
    ]
    badges = [
        {
            "id": str(row.public_id),
            "module": row.module,
            "module_version": row.module_version,
            "issued_at": row.issued_at.isoformat(),
            "valid_until": row.valid_until.isoformat(),
            "public_page": row.shared,
            "public_page_shows_name": row.show_name,
            "credential": row.token,
        }
        for row in Badge.objects.filter(**mine).order_by("issued_at", "pk")
    ]
    return {"modules": progress, "quiz_attempts": attempts, "badges": badges}


def render_markdown(markdown: str, *, org_slug: str) -> SafeString:
    """``markdown`` as GOV.UK-styled HTML, the way an organisation's own lesson is shown: raw
    HTML is shown as text, only safe links are kept, headings start at level 2 (the page has
    the level 1), and ``product:``/``help:`` links lead to this organisation's pages (an
    unknown one stays as its words)."""
    probe = Lesson(slug="", title="", minutes=1, number=1, markdown=markdown)
    return render_lesson(
        probe,
        resolve_link=lambda href: resolve_link(href, org_slug=org_slug),
        broken_links_as_text=True,
    )
