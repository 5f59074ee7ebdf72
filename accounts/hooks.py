"""Where feature apps add to the account page without accounts importing them.

accounts is a base app (docs/architecture.md, "Layers"); the hook points keep the rules
written in ``organisations.hooks``: typed, called in registration order, registering twice
keeps one.

``account_panels``
    Sections a feature app adds to "Your account" for the person reading it, across all of
    their organisations (the learner's badges). Each panel is read in a fixed number of
    queries, whatever the number of organisations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from shared.hooks import Hook

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class AccountPanel:
    """One section of the account page: a template included with ``panel`` in its context.
    Panels show lowest ``order`` first."""

    order: int
    template: str
    data: Mapping[str, object] = field(default_factory=dict)


class AccountPanels(Protocol):
    def __call__(self, *, user: User) -> Iterable[AccountPanel]: ...


account_panels: Hook[AccountPanels] = Hook("account_panels")


def panels_for(user: User) -> list[AccountPanel]:
    """Every registered panel for ``user``, in the order the page shows them."""
    panels = [panel for hook in account_panels for panel in hook(user=user)]
    return sorted(panels, key=lambda panel: panel.order)
