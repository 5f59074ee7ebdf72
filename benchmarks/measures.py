"""Live evidence: what the platform itself already knows about an organisation's practice.

Each measure is one small named function ``(organisation, today) -> Measurement``,
registered here by the name framework files use (``measures: [carers_declared]``). A
draft assessment shows each value as it is today; signing off records the values used,
so history does not move.

Measures report numbers about the organisation, never about a person: a count between
1 and 4 is shown as "fewer than 5" and its value is not kept (docs/trust-rules.md,
rule 4), and a share is shown only when neither of its parts is that small. Carers who
chose not to be included in anonymised counts are left out of every count of carers.
Counts of staff who passed a module say nothing about who is a carer, so they count
everyone in the group.

The staff carer network's measures count its members in post (hidden from 1 to 4, like every
count) and the meetings held; who belongs is never read.

The support directory's measures count entries, the areas they name and access codes: places
and resources, not people, so they are shown whatever their size (``signposting.public``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commitments import public as commitments
from communications import public as communications
from forum import public as forum
from learning import public as learning
from leave import public as leave
from networks import public as networks
from organisations.models import Organisation, StaffRecord, StaffStatus
from passports import public as passports
from policies import public as policies
from shared.suppression import THRESHOLD, suppress, suppress_with_total
from signposting import public as signposting

JsonValue = int | float | bool | str | None
#: How far back the leave and flexible-working measures look.
LOOK_BACK_DAYS = 365


@dataclass(frozen=True)
class Measurement:
    #: What an API client or a comparison reads; None when hidden or unknown.
    value: JsonValue
    #: What a person reads, for example "fewer than 5" or "80% of 20 on time".
    display: str
    measured_on: date
    #: One sentence on what was counted.
    detail: str = ""


MeasureFunction = Callable[[Organisation, date], Measurement]


@dataclass(frozen=True)
class Measure:
    name: str
    title: str | Promise
    function: MeasureFunction


_REGISTRY: dict[str, Measure] = {}


def measure(name: str, title: str | Promise) -> Callable[[MeasureFunction], MeasureFunction]:
    """Register a measure under the name framework files use."""

    def register(function: MeasureFunction) -> MeasureFunction:
        if name in _REGISTRY:
            raise ValueError(f"Measure {name!r} is registered twice")
        _REGISTRY[name] = Measure(name=name, title=title, function=function)
        return function

    return register


def measure_names() -> frozenset[str]:
    return frozenset(_REGISTRY)


def get_measure(name: str) -> Measure | None:
    return _REGISTRY.get(name)


#: Figures several measures read (the directory's coverage feeds four, the network's year
#: two), computed once per ``measure_all`` and forgotten when it returns: never across calls,
#: so nothing is ever older than the measures that use it.
_taking: ContextVar[dict[tuple[str, int, date], object] | None] = ContextVar(
    "measures_taking", default=None
)


def _once[T](what: str, organisation: Organisation, today: date, compute: Callable[[], T]) -> T:
    taking = _taking.get()
    if taking is None:
        return compute()
    key = (what, organisation.pk, today)
    if key not in taking:
        taking[key] = compute()
    return taking[key]  # type: ignore[return-value]


def measure_all(
    *, organisation: Organisation, names: Collection[str], today: date
) -> dict[str, Measurement]:
    """Take every named measure now, in the order given. Unknown names are skipped."""
    token = _taking.set({})
    try:
        return {
            name: _REGISTRY[name].function(organisation, today)
            for name in names
            if name in _REGISTRY
        }
    finally:
        _taking.reset(token)


def _days(value: Decimal) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _long(day: date) -> str:
    return date_format(day, "j F Y")


def _share(*, today: date, good: int, bad: int, what: str, detail: str) -> Measurement:
    """``good`` out of ``good + bad`` as a percentage, unless either part would give away a
    small number (secondary suppression: the total and one part reveal the other)."""
    cells, total = suppress_with_total({"good": good, "bad": bad})
    if good + bad == 0:
        return Measurement(None, _("None yet"), today, detail)
    if total.suppressed or cells["good"].suppressed or cells["bad"].suppressed:
        return Measurement(None, _("Too few to show (fewer than 5 in a group)"), today, detail)
    percent = round(100 * good / (good + bad))
    return Measurement(
        percent,
        _("%(percent)s%% of %(total)s %(what)s")
        % {
            "percent": percent,
            "total": f"{good + bad:,}",
            "what": what,
        },
        today,
        detail,
    )


# --- Identification ----------------------------------------------------------------------


@measure(
    "self_identification_route", gettext_lazy("A private way for staff to say they are carers")
)
def self_identification_route(organisation: Organisation, today: date) -> Measurement:
    """The route exists once staff in post can sign in: every member can then tell the
    organisation privately, from their home page, that they are a carer."""
    with_accounts = StaffRecord.objects.filter(
        organisation=organisation, status=StaffStatus.ACTIVE, user__isnull=False
    ).exists()
    if with_accounts:
        return Measurement(
            True,
            _("Yes"),
            today,
            _("Staff with an account can tell you privately, and only they see what they say."),
        )
    return Measurement(False, _("Not yet"), today, _("No staff in post have an account here yet."))


@measure("carers_declared", gettext_lazy("Staff who have said they are carers"))
def carers_declared(organisation: Organisation, today: date) -> Measurement:
    count = suppress(passports.carers_declared(organisation=organisation))
    return Measurement(
        count.value,
        str(count),
        today,
        _("Staff in post who told you they are carers and agreed to be counted."),
    )


# --- Passports --------------------------------------------------------------------------


@measure("passports_agreed", gettext_lazy("Carer's passports agreed"))
def passports_agreed(organisation: Organisation, today: date) -> Measurement:
    count = suppress(passports.passports_agreed(organisation=organisation))
    return Measurement(
        count.value,
        str(count),
        today,
        _("Passports signed by a carer and their manager at least once (carers in post)."),
    )


@measure("passport_reviews_on_time", gettext_lazy("Passport reviews on time"))
def passport_reviews_on_time(organisation: Organisation, today: date) -> Measurement:
    reviews = passports.passport_reviews(organisation=organisation, today=today)
    return _share(
        today=today,
        good=reviews.on_time,
        bad=reviews.overdue,
        what=_("agreed passports not overdue for review"),
        detail=_("Agreed passports with a review date, and whether that date has passed."),
    )


# --- Leave and flexible working ----------------------------------------------------------


@measure("carers_leave_answered_in_time", gettext_lazy("Carer's leave answered before it starts"))
def carers_leave_answered_in_time(organisation: Organisation, today: date) -> Measurement:
    """Carer's leave that started in the last year: was it agreed or postponed before its
    first day? An employer can only postpone before then (Carer's Leave Regulations 2024,
    reg. 8), so a request left unanswered simply goes ahead unplanned."""
    answered = leave.carers_leave_answered(
        organisation=organisation,
        began_after=today - timedelta(days=LOOK_BACK_DAYS),
        began_by=today,
    )
    return _share(
        today=today,
        good=answered.before_it_began,
        bad=answered.total - answered.before_it_began,
        what=_("requests answered before the leave began"),
        detail=_("Carer's leave that began in the last 12 months, cancelled requests left out."),
    )


@measure("flexible_decided_in_time", gettext_lazy("Flexible-working requests decided in time"))
def flexible_decided_in_time(organisation: Organisation, today: date) -> Measurement:
    """Requests received in the last year, decided (with any appeal) by the statutory
    deadline or the later date the employee agreed (Employment Rights Act 1996, s.80G(1B)).
    Requests still within their deadline are not counted yet; withdrawn ones never are."""
    deadlines = leave.flexible_deadlines(
        organisation=organisation,
        received_after=today - timedelta(days=LOOK_BACK_DAYS),
        today=today,
    )
    good = deadlines.decided_in_time
    bad = deadlines.decided - good + deadlines.overdue
    return _share(
        today=today,
        good=good,
        bad=bad,
        what=_("requests decided by the deadline"),
        detail=_(
            "Requests received in the last 12 months whose decision, including any appeal, "
            "was due or has been given."
        ),
    )


@measure("leave_policy_enhanced", gettext_lazy("Carer's leave beyond the legal minimum"))
def leave_policy_enhanced(organisation: Organisation, today: date) -> Measurement:
    policy = leave.leave_beyond_minimum(organisation=organisation)
    if policy is None or (not policy.extra_days and not policy.paid_days):
        return Measurement(
            False,
            _("No: the statutory minimum"),
            today,
            _("Set on the leave policy page: extra or paid carer's leave days."),
        )
    return Measurement(
        True,
        _("Yes: %(extra)s extra and %(paid)s paid days a year")
        % {"extra": _days(policy.extra_days), "paid": _days(policy.paid_days)},
        today,
        _("From the organisation's leave policy."),
    )


# --- Training -----------------------------------------------------------------------------


def _completion(
    organisation: Organisation, today: date, *, module: str, among: learning.Group
) -> learning.Completion:
    return _once(
        f"completion {module} {among}",
        organisation,
        today,
        lambda: learning.completion(organisation=organisation, module_slug=module, among=among),
    )


def _passed(
    organisation: Organisation,
    today: date,
    *,
    module: str,
    among: learning.Group,
    what: str,
    beside_everyone: bool = False,
) -> Measurement:
    """``among``'s share who passed. ``beside_everyone`` when the same assessment also shows
    everyone's figure for the module: the people outside the group are then everyone less the
    group, so the share is hidden when they would be a small number."""
    done = _completion(organisation, today, module=module, among=among)
    if beside_everyone:
        everyone = _completion(organisation, today, module=module, among=learning.Group.EVERYONE)
        others = (everyone.passed - done.passed, everyone.not_passed - done.not_passed)
        if any(0 < count < THRESHOLD for count in others):
            return Measurement(None, _("Too few to show (fewer than 5 in a group)"), today, "")
    return _share(
        today=today,
        good=done.passed,
        bad=done.not_passed,
        what=what,
        detail=_(
            "People in post with an account here who passed the module on a version that "
            "still stands; people who have left are not counted."
        ),
    )


@measure("managers_trained", gettext_lazy("Line managers who passed Supporting working carers"))
def managers_trained(organisation: Organisation, today: date) -> Measurement:
    """Line managers: people in post who manage at least one person in post, as the staff
    records say (the same rule that lets them decide leave)."""
    return _passed(
        organisation,
        today,
        module="supporting-carers",
        among=learning.Group.MANAGERS,
        what=_("line managers passed"),
    )


@measure("staff_carer_aware", gettext_lazy("Staff who passed Carer Aware"))
def staff_carer_aware(organisation: Organisation, today: date) -> Measurement:
    return _passed(
        organisation,
        today,
        module="carer-aware",
        among=learning.Group.EVERYONE,
        what=_("staff passed"),
    )


@measure("champions_trained", gettext_lazy("Carer champions who passed Carer Aware"))
def champions_trained(organisation: Organisation, today: date) -> Measurement:
    """Champions are asked to take Carer Aware when appointed (learning's waiting item), so
    that is what this counts. Shown beside ``staff_carer_aware``, so the people who are not
    champions must not be few."""
    return _passed(
        organisation,
        today,
        module="carer-aware",
        among=learning.Group.CHAMPIONS,
        what=_("carer champions passed"),
        beside_everyone=True,
    )


# --- The staff carer network ---------------------------------------------------------------


def _year_of_network(organisation: Organisation, today: date) -> networks.NetworkFigures:
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    since = until - timedelta(days=LOOK_BACK_DAYS)
    return _once(
        "network",
        organisation,
        today,
        lambda: networks.network_figures(organisation=organisation, since=since, until=until),
    )


@measure("network_members", gettext_lazy("Members of the staff carer network"))
def network_members(organisation: Organisation, today: date) -> Measurement:
    figures = _year_of_network(organisation, today)
    if not figures.exists:
        return Measurement(None, _("No network yet"), today, "")
    count = suppress(figures.members)
    return Measurement(
        count.value,
        str(count),
        today,
        _("Staff in post who chose to join the network; who they are is never shown."),
    )


@measure("network_meetings", gettext_lazy("Staff carer network meetings in the last year"))
def network_meetings(organisation: Organisation, today: date) -> Measurement:
    figures = _year_of_network(organisation, today)
    if not figures.exists:
        return Measurement(None, _("No network yet"), today, "")
    return Measurement(
        figures.meetings_held,
        str(figures.meetings_held),
        today,
        _("Meetings of the network of any kind that took place in the last 12 months."),
    )


# --- The support directory ----------------------------------------------------------------

DIRECTORY_DETAIL = gettext_lazy(
    "Entries of the support directory that staff here can find today: the organisation's own "
    "and its partnership's."
)


def _coverage(organisation: Organisation, today: date) -> signposting.DirectoryCoverage:
    return _once(
        "coverage",
        organisation,
        today,
        lambda: signposting.directory_coverage(organisation=organisation, today=today),
    )


def _kinds(by_kind: dict[str, int]) -> str:
    """ "3 national organisations, 1 local carers' centre", leaving out kinds with none."""
    words = {
        "national": lambda n: ngettext(
            "%(n)s national organisation", "%(n)s national organisations", n
        ),
        "local_centre": lambda n: ngettext(
            "%(n)s local carers' centre", "%(n)s local carers' centres", n
        ),
        "digital": lambda n: ngettext("%(n)s digital resource", "%(n)s digital resources", n),
        "guide": lambda n: ngettext("%(n)s guide", "%(n)s guides", n),
        "own_offer": lambda n: ngettext(
            "%(n)s offer of the organisation's own", "%(n)s offers of the organisation's own", n
        ),
    }
    return ", ".join(
        words[kind](count) % {"n": f"{count:,}"} if kind in words else f"{kind}: {count:,}"
        for kind, count in by_kind.items()
        if count
    )


@measure("directory_entries", gettext_lazy("Support directory entries staff can find"))
def directory_entries(organisation: Organisation, today: date) -> Measurement:
    figures = _coverage(organisation, today)
    if not figures.entries:
        return Measurement(0, _("None yet"), today, str(DIRECTORY_DETAIL))
    return Measurement(
        figures.entries,
        ngettext("%(n)s entry: %(kinds)s", "%(n)s entries: %(kinds)s", figures.entries)
        % {"n": f"{figures.entries:,}", "kinds": _kinds(figures.by_kind)},
        today,
        str(DIRECTORY_DETAIL),
    )


@measure("directory_areas", gettext_lazy("Areas the support directory covers"))
def directory_areas(organisation: Organisation, today: date) -> Measurement:
    figures = _coverage(organisation, today)
    areas = ngettext("%(n)s area named", "%(n)s areas named", figures.areas) % {
        "n": f"{figures.areas:,}"
    }
    everywhere = ngettext(
        "%(n)s entry available everywhere in the UK",
        "%(n)s entries available everywhere in the UK",
        figures.everywhere,
    ) % {"n": f"{figures.everywhere:,}"}
    return Measurement(
        figures.areas,
        f"{areas}; {everywhere}",
        today,
        _(
            "Different postcode districts and local authorities the entries name, beside those "
            "available everywhere."
        ),
    )


@measure("directory_checked", gettext_lazy("Support directory entries past their check-by date"))
def directory_checked(organisation: Organisation, today: date) -> Measurement:
    """How many entries wait to be checked: fewer is better, so the value is that number."""
    figures = _coverage(organisation, today)
    if not figures.entries:
        return Measurement(0, _("No entries yet"), today, str(DIRECTORY_DETAIL))
    return Measurement(
        figures.past_review,
        _("None: every entry is within its check-by date")
        if not figures.past_review
        else _("%(late)s of %(total)s past their check-by date")
        % {"late": f"{figures.past_review:,}", "total": f"{figures.entries:,}"},
        today,
        _("Keepers check each entry by the date they set and mark it as still right or change it."),
    )


@measure("directory_peer_support", gettext_lazy("Peer support in the support directory"))
def directory_peer_support(organisation: Organisation, today: date) -> Measurement:
    figures = _coverage(organisation, today)
    return Measurement(
        figures.peer_support,
        ngettext(
            "%(n)s entry about peer support",
            "%(n)s entries about peer support",
            figures.peer_support,
        )
        % {"n": f"{figures.peer_support:,}"},
        today,
        _("Entries staff can find with the topic “Peer support”, such as a carers' group."),
    )


@measure("directory_access_codes", gettext_lazy("Digital resources staff can unlock"))
def directory_access_codes(organisation: Organisation, today: date) -> Measurement:
    figures = _coverage(organisation, today)
    return Measurement(
        figures.digital_with_code,
        ngettext(
            "%(n)s digital resource with an access code for staff here",
            "%(n)s digital resources with an access code for staff here",
            figures.digital_with_code,
        )
        % {"n": f"{figures.digital_with_code:,}"},
        today,
        _(
            "Digital resources in the directory with a code staff here may use today; staff see "
            "the code on the resource's page."
        ),
    )


# --- Evidence and leadership -------------------------------------------------------------


@measure("carers_policy_uploaded", gettext_lazy("Carers policy uploaded"))
def carers_policy_uploaded(organisation: Organisation, today: date) -> Measurement:
    """A file marked as the carers policy in the organisation's current assessments: the
    latest assessment of each framework, draft or signed off."""
    from benchmarks.models import Assessment, EvidenceFile

    latest: dict[str, int] = {}
    for slug, pk in (
        Assessment.objects.filter(organisation=organisation)
        .order_by("framework_slug", "-number")
        .values_list("framework_slug", "pk")
    ):
        latest.setdefault(slug, pk)
    found = (
        EvidenceFile.objects.filter(assessment_id__in=latest.values(), is_carers_policy=True)
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    if found is None:
        return Measurement(
            False,
            _("Not yet"),
            today,
            _("Upload your carers policy on a criterion page and mark it as the policy."),
        )
    return Measurement(
        True,
        _("Yes: “%(name)s”, uploaded on %(date)s")
        % {"name": found.download_name, "date": _long(timezone.localdate(found.uploaded_at))},
        today,
        _("The most recent file marked as the carers policy in a current assessment."),
    )


@measure("carers_policy_published", gettext_lazy("Carers' policy published to staff here"))
def carers_policy_published(organisation: Organisation, today: date) -> Measurement:
    """The carers' policy HR published on the service's policy pages, where every member of
    staff can read it (docs/policies.md): its version and date."""
    found = policies.published_policy(organisation=organisation)
    if found is None:
        return Measurement(
            False,
            _("Not yet"),
            today,
            _(
                "Publish your carers' policy on the policies page, so every member of staff can read it."
            ),
        )
    return Measurement(
        True,
        _("Yes: version %(number)s, published on %(date)s")
        % {"number": found.number, "date": _long(timezone.localdate(found.published_at))},
        today,
        _("The carers' policy staff read on this service now."),
    )


# --- Telling staff, and other employers -----------------------------------------------------


def _last_year(today: date) -> tuple[datetime, datetime]:
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    return until - timedelta(days=LOOK_BACK_DAYS), until


@measure("staff_articles", gettext_lazy("Articles for staff published in the last year"))
def staff_articles(organisation: Organisation, today: date) -> Measurement:
    """How often staff were told about carers through the service's news pages."""
    since, until = _last_year(today)
    count = communications.articles_published(organisation=organisation, since=since, until=until)
    return Measurement(
        count,
        str(count) if count else _("None yet"),
        today,
        _(
            "Articles and case studies HR published to staff on this service in the last 12 "
            "months and has not taken down. Other channels (induction, team meetings) are "
            "evidence to add yourselves."
        ),
    )


@measure("forum_case_studies", gettext_lazy("Case studies shared with other employers"))
def forum_case_studies(organisation: Organisation, today: date) -> Measurement:
    """What the organisation shared in its partnership's employers' forum."""
    if organisation.partnership_id is None:
        return Measurement(None, _("Not in a partnership"), today, "")
    since, until = _last_year(today)
    count = forum.case_studies_shared(organisation=organisation, since=since, until=until)
    return Measurement(
        count,
        str(count) if count else _("None yet"),
        today,
        _(
            "Good-practice case studies the organisation published in its partnership's "
            "employers' forum in the last 12 months and has not withdrawn."
        ),
    )


@measure("leadership_commitment_published", gettext_lazy("Leadership commitment published"))
def leadership_commitment_published(organisation: Organisation, today: date) -> Measurement:
    version = commitments.published_commitment(organisation=organisation)
    if version is None:
        return Measurement(
            False,
            _("Not yet"),
            today,
            _("A commitment signed by a senior leader and published on the organisation's page."),
        )
    return Measurement(
        True,
        _("Yes: signed by %(name)s, %(role)s, on %(date)s")
        % {
            "name": version.signed_by_name,
            "role": version.signed_by_role,
            "date": _long(version.signed_on) if version.signed_on else _("an unknown date"),
        },
        today,
        _("Published on %(date)s.")
        % {
            "date": _long(timezone.localdate(version.published_at))
            if version.published_at
            else _("an unknown date")
        },
    )
