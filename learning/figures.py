"""Completion figures for HR: how many people passed each module, overall, by role group and
by unit, never who (docs/learning.md, "For HR: completion figures").

Every figure goes through small-number suppression (docs/trust-rules.md, rule 4). A group or
unit's figure is hidden when a part is small, and also when, taken with the figure beside it,
it would give away a small number: line managers beside everyone would give the people who
are not managers; the units beside the group's overall figure would give a hidden unit.

The page costs the same few queries however many staff there are: a count per group and a
grouped count by unit for each module, through ``learning.public``.
"""

from __future__ import annotations

from dataclasses import dataclass

from learning.catalogue import catalogue
from learning.content import Audience, Module
from learning.public import Group, completion, completion_by_unit
from organisations.models import Organisation
from shared.suppression import Share, suppress_share, suppress_shares

#: Whose completion the by-unit table counts for a module: the people it is written for, where
#: the page has such a group; the leaders' module is for too few people to split by unit.
UNIT_GROUP: dict[Audience, Group] = {
    "everyone": Group.EVERYONE,
    "managers": Group.MANAGERS,
    "leaders": Group.EVERYONE,
}


@dataclass(frozen=True)
class GroupFigure:
    group: Group
    share: Share


@dataclass(frozen=True)
class UnitFigure:
    #: The unit's name, or "" for people with no unit on their record.
    name: str
    share: Share


@dataclass(frozen=True)
class ModuleFigures:
    module: Module
    groups: list[GroupFigure]
    unit_group: Group
    units: list[UnitFigure]


def module_figures(*, organisation: Organisation, module: Module) -> ModuleFigures:
    """One module's figures, each suppressed as the page shows it."""
    counts = {
        group: completion(organisation=organisation, module_slug=module.slug, among=group)
        for group in Group
    }
    everyone = counts[Group.EVERYONE]
    unit_group = UNIT_GROUP[module.audience]
    if unit_group is not Group.EVERYONE:
        # A module for one group shows that group only: everyone beside it would give away how
        # many outside the group took it, and the units add up to the group's own figure.
        mine = counts[unit_group]
        groups = [GroupFigure(unit_group, suppress_share(mine.passed, mine.total))]
    else:
        groups = [GroupFigure(Group.EVERYONE, suppress_share(everyone.passed, everyone.total))]
    for group in (Group.MANAGERS, Group.CHAMPIONS) if unit_group is Group.EVERYONE else ():
        part = counts[group]
        # The group beside everyone else: hidden too when the others' figure would be small.
        shares = suppress_shares(
            {
                "group": (part.passed, part.total),
                "others": (everyone.passed - part.passed, everyone.total - part.total),
            }
        )
        groups.append(GroupFigure(group, shares["group"]))
    by_unit = completion_by_unit(
        organisation=organisation, module_slug=module.slug, among=unit_group
    )
    unit_shares = suppress_shares(
        {index: (row.completion.passed, row.completion.total) for index, row in enumerate(by_unit)}
    )
    return ModuleFigures(
        module=module,
        groups=groups,
        unit_group=unit_group,
        units=[
            UnitFigure(name=row.unit_name, share=unit_shares[index])
            for index, row in enumerate(by_unit)
        ],
    )


def completion_figures(*, organisation: Organisation) -> list[ModuleFigures]:
    """Every module's figures, the one for everyone first."""
    order: tuple[Audience, ...] = ("everyone", "managers", "leaders")
    return [
        module_figures(organisation=organisation, module=found)
        for found in sorted(
            catalogue(organisation_id=organisation.pk).values(),
            key=lambda m: order.index(m.audience),
        )
    ]
