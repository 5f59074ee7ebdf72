"""The carer-awareness calendar: Carers Week in June and Carers Rights Day in November, with
the actions we suggest for each (docs/communications.md).

The organisers (Carers UK with its partner charities) announce each year's dates. The dates
they have announced are listed in ``ANNOUNCED``; for any other year the date is worked out by
a rule (``carers_week_by_rule``, ``carers_rights_day_by_rule``) and called "expected" wherever
it is shown, until a release adds the announced date here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: How long before an awareness day or week its prompt appears on the home page.
PROMPT_LEAD = timedelta(weeks=6)


class Campaign(StrEnum):
    CARERS_WEEK = "carers-week"
    CARERS_RIGHTS_DAY = "carers-rights-day"


NAMES = {Campaign.CARERS_WEEK: _("Carers Week"), Campaign.CARERS_RIGHTS_DAY: _("Carers Rights Day")}

#: Dates the organisers have announced, first and last day. Add a year when it is announced.
ANNOUNCED: dict[tuple[Campaign, int], tuple[date, date]] = {
    (Campaign.CARERS_WEEK, 2025): (date(2025, 6, 9), date(2025, 6, 15)),
    (Campaign.CARERS_WEEK, 2026): (date(2026, 6, 8), date(2026, 6, 14)),
    (Campaign.CARERS_RIGHTS_DAY, 2025): (date(2025, 11, 20), date(2025, 11, 20)),
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``th ``weekday`` (Monday 0) of the month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def carers_week_by_rule(year: int) -> tuple[date, date]:
    """Carers Week as it usually falls: Monday to Sunday, starting on the second Monday of
    June (so it was in 2025 and 2026)."""
    start = _nth_weekday(year, 6, 0, 2)
    return start, start + timedelta(days=6)


def carers_rights_day_by_rule(year: int) -> date:
    """Carers Rights Day as it has fallen lately: the third Thursday of November (so it was in
    2024 and 2025; earlier years were not always)."""
    return _nth_weekday(year, 11, 3, 3)


@dataclass(frozen=True)
class Occurrence:
    """One year's Carers Week or Carers Rights Day."""

    campaign: Campaign
    year: int
    starts: date
    ends: date
    #: True when the organisers announced the dates; False when the rule worked them out.
    announced: bool

    @property
    def name(self) -> str:
        return str(NAMES[self.campaign])

    @property
    def prompt_from(self) -> date:
        return self.starts - PROMPT_LEAD

    def prompted_on(self, day: date) -> bool:
        """Its prompt shows from six weeks before until the day or week has ended."""
        return self.prompt_from <= day <= self.ends

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        return SUGGESTIONS[self.campaign]

    def ref(self, suggestion: Suggestion) -> str:
        """The suggestion's reference in a plan: one per campaign, year and suggestion."""
        return f"awareness:{self.campaign}:{self.year}:{suggestion.key}"


def occurrence(campaign: Campaign, year: int) -> Occurrence:
    announced = ANNOUNCED.get((campaign, year))
    if announced is not None:
        return Occurrence(campaign, year, *announced, announced=True)
    if campaign == Campaign.CARERS_WEEK:
        starts, ends = carers_week_by_rule(year)
    else:
        starts = ends = carers_rights_day_by_rule(year)
    return Occurrence(campaign, year, starts, ends, announced=False)


def prompts_on(day: date) -> list[Occurrence]:
    """The awareness days whose prompt shows on ``day``, soonest first."""
    found = [
        occurrence(campaign, year) for year in (day.year, day.year + 1) for campaign in Campaign
    ]
    return sorted((o for o in found if o.prompted_on(day)), key=lambda o: o.starts)


@dataclass(frozen=True)
class Suggestion:
    """Something an organisation could do for the day; it can become an action of its plan."""

    key: str
    title: str | Promise
    detail: str | Promise


_COFFEE = Suggestion(
    "coffee-morning",
    _("Hold a coffee morning for the staff carer network"),
    _(
        "Book a room or a call, ask the carer champions to host, and invite everyone: "
        "nobody has to say why they came."
    ),
)
_ARTICLE = Suggestion(
    "staff-article",
    _("Publish an article for staff"),
    _(
        "Write a short piece on the news page about the support on offer here, or a "
        "colleague's story told with their agreement."
    ),
)
_LEAVE = Suggestion(
    "carers-leave-reminder",
    _("Remind staff about carer's leave and flexible working"),
    _(
        "Tell everyone how to ask for carer's leave and flexible working here, and that "
        "nobody needs to give evidence of their caring."
    ),
)
_SPONSOR = Suggestion(
    "sponsor-message",
    _("Ask the executive sponsor to post a message of support"),
    _(
        "A few lines from a senior leader saying that caring is welcome to be talked "
        "about at work, and where to find help."
    ),
)
_MANAGERS = Suggestion(
    "manager-briefing",
    _("Brief line managers on carer's passport conversations"),
    _(
        "Remind managers how a passport conversation goes and point them to the module "
        "for line managers."
    ),
)
_SUPPORT = Suggestion(
    "local-support",
    _("Share where carers can get support locally"),
    _(
        "Point staff to the support directory: the local carers' centre, advice lines and "
        "any access codes the organisation holds."
    ),
)

SUGGESTIONS: dict[Campaign, tuple[Suggestion, ...]] = {
    Campaign.CARERS_WEEK: (_COFFEE, _ARTICLE, _SPONSOR, _MANAGERS),
    Campaign.CARERS_RIGHTS_DAY: (_LEAVE, _ARTICLE, _SUPPORT, _SPONSOR),
}
