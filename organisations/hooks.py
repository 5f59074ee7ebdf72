"""Where feature apps take part in what organisations does, without organisations importing them.

organisations is a base app: it imports no feature app (docs/architecture.md, "Layers").
Yet some of its writes must let a feature act (a leaver's passport shares end), and some of
its pages show what a feature knows (how many passports are shared with you). For each such
place there is one named hook point below. organisations calls it; a feature app registers
its function on it in its ``AppConfig.ready()``:

    def ready(self) -> None:
        from organisations import hooks
        from passports.services import shares_close_stale

        hooks.end_stale_ties.register(shares_close_stale)

The rules every hook point keeps:

- **Typed.** Each point names a ``Protocol`` for the call; mypy checks every registration
  against it, and the caller passes keyword arguments only.
- **In registration order.** Hooks run one after another in the order they were registered,
  which is the order of ``INSTALLED_APPS`` since Django runs ``ready()`` in that order.
- **In the caller's transaction, at the caller's place.** A hook is a plain call inside the
  write that needs it: if it fails, the whole write rolls back, so nothing half-saves. No
  Django signals carry business rules: a reader follows a hook from the call to this module
  to the registrations.
- **Registering twice keeps one.** Registering a function already on a point changes nothing,
  so a ``ready()`` that runs again (a test that changes ``INSTALLED_APPS``) cannot make a hook
  run twice.
- **Pages show contributions in their declared order.** A home-page card carries its own
  ``order``, because where a card sits on the page is a product choice, not a matter of which
  app Django loaded first.

The hook points:

``end_stale_ties``
    Someone's line manager changed, or someone left: by a page, the API or a staff import.
    End whatever tie between two people no longer holds (a passport shared with someone who
    no longer manages the carer). Called after the staff records are saved, in the same
    transaction.
``restore_ties``
    A corrected staff import put people back: bring back what an earlier import's leaving
    ended (``organisations.leaving.restore_after_import``).
``open_ties``
    The open ties between two of an organisation's staff records that leaving would end, for
    the import preview's counts (``organisations.leaving.open_ties``).
``home_cards``
    Cards a feature app adds to the "For you" list of the organisation home page, for the
    person reading it. A later panel on other home pages can take the same ``HomeViewer``.
``home_figures``
    Blocks of figures at the top of the organisation home page, before "For you", for whoever
    answers for the organisation's figures (insight's three headline figures for HR and the
    executive sponsor). Same ``HomeViewer`` and ``HomeCard`` as ``home_cards``.
``staff_record_facts``
    Rows a feature app adds to HR's view of a staff record (``staff_detail``): only what the
    trust rules let HR see by name.
``waiting_for``
    What waits for the reader to act on, for the "Waiting for you" list at the top of the
    organisation home page: only what the reader can act on now, named no more than the page
    it links to names it, and at a fixed number of queries whatever the team's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from audit.models import Channel
from shared.hooks import Hook

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Organisation, StaffRecord

#: A tie that leaving ends, as (kind, staff record id, staff record id). ``kind`` is the
#: name the import preview counts it under: "share" or "deputyship" so far.
Tie = tuple[str, int, int]


class EndStaleTies(Protocol):
    """End the ties that no longer hold; returns how many ended.

    ``left_by_import`` says that a staff import has just marked people as left, so that what
    their leaving ends can be told apart and brought back by a corrected import.
    """

    def __call__(self, *, organisation_id: int, left_by_import: bool) -> int: ...


class RestoreTies(Protocol):
    """Bring back what an earlier import's leaving ended; returns how many came back."""

    def __call__(self, *, organisation_id: int) -> int: ...


class OpenTies(Protocol):
    """Every open tie of the organisation that leaving would end, in force on ``on``."""

    def __call__(self, *, organisation_id: int, on: date) -> Iterable[Tie]: ...


@dataclass(frozen=True)
class HomeViewer:
    """Who is reading a home page: what every card may need, read once by the page."""

    user: User
    organisation: Organisation
    #: The reader's staff record here, if they have one (in post: the home page of someone
    #: who has left shows no cards).
    record: StaffRecord | None
    today: date
    #: How many people in post the reader line manages, already counted by the page.
    report_count: int
    #: Where what a hook lists is seen, for the audit of listed reads: the home page, or the
    #: email of what is waiting (``organisations.digest``).
    listed_in: str = "the home page's list of what waits for a decision"
    channel: Channel = Channel.WEB
    #: What one hook has worked out and another needs for the same page (a card's count and
    #: the waiting list's "and N more"), by a key the app chooses: read once per page.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class HomeCard:
    """One card of the home page's "For you" list: an ``<li class="app-card">`` template.

    The template is included with the page's context plus ``card``; it reads its own values
    from ``card.data``. Cards show lowest ``order`` first; equal orders keep registration
    order.
    """

    order: int
    template: str
    data: Mapping[str, object] = field(default_factory=dict)


class HomeCards(Protocol):
    def __call__(self, *, viewer: HomeViewer) -> Iterable[HomeCard]: ...


@dataclass(frozen=True)
class RecordFact:
    """One row of the summary of a staff record as HR sees it: a label and its value."""

    label: str
    value: str


class StaffRecordFacts(Protocol):
    def __call__(self, *, record: StaffRecord) -> Iterable[RecordFact]: ...


@dataclass(frozen=True)
class WaitingItem:
    """One thing waiting for the reader: what to do, the page where it is done, and by when.

    ``due`` is the deadline the law or the product sets (the first day of carer's leave, the
    end of a decision period, a review date), ``due_label`` says which ("Decide by"); an item
    without one comes after every dated item. ``count`` is how many things the item stands
    for when it is a summary ("2 passports to sign"), so the page can total them.
    """

    title: str
    url: str
    due: date | None = None
    due_label: str = ""
    count: int = 1


class WaitingFor(Protocol):
    def __call__(self, *, viewer: HomeViewer) -> Iterable[WaitingItem]: ...


end_stale_ties: Hook[EndStaleTies] = Hook("end_stale_ties")
restore_ties: Hook[RestoreTies] = Hook("restore_ties")
open_ties: Hook[OpenTies] = Hook("open_ties")
home_cards: Hook[HomeCards] = Hook("home_cards")
staff_record_facts: Hook[StaffRecordFacts] = Hook("staff_record_facts")
waiting_for: Hook[WaitingFor] = Hook("waiting_for")
#: Figures at the top of the home page for those who answer for the organisation's figures
#: (HR, the sponsor): each a ``HomeCard`` whose template is a ``<section>``.
home_figures: Hook[HomeCards] = Hook("home_figures")


def cards_for(viewer: HomeViewer) -> list[HomeCard]:
    """Every registered card for ``viewer``, in the order the page shows them."""
    cards = [card for hook in home_cards for card in hook(viewer=viewer)]
    return sorted(cards, key=lambda card: card.order)


def figures_for(viewer: HomeViewer) -> list[HomeCard]:
    """Every registered block of figures for ``viewer``, in order."""
    cards = [card for hook in home_figures for card in hook(viewer=viewer)]
    return sorted(cards, key=lambda card: card.order)


def waiting_for_viewer(viewer: HomeViewer) -> list[WaitingItem]:
    """Everything waiting for ``viewer``, the soonest deadline first, undated items last."""
    items = [item for hook in waiting_for for item in hook(viewer=viewer)]
    return sorted(items, key=lambda item: (item.due is None, item.due or viewer.today))


def facts_about(record: StaffRecord) -> list[RecordFact]:
    """Every registered fact about ``record``, in registration order."""
    return [fact for hook in staff_record_facts for fact in hook(record=record)]
