"""Every write to the support directory: entries and their access codes.

Each service checks that the person keeps the entry's owner (an organisation's HR admins,
organisation admins and carer champions; a partnership's leads), applies the directory's
rules, and writes the audit entry in the same transaction. A refusal is a ``RuleError`` naming
the field it belongs beside, so a page keeps what was typed and the API sends a problem.

Access codes are never written into the audit or a log: the entry says that a code was added
or removed, never the code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation, Partnership
from passports.public import need_kind_choices
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock
from signposting.models import (
    CODE_MAX,
    DEFAULT_REVIEW_DAYS,
    HOW_TO_GET_MAX,
    NAME_MAX,
    NOTES_MAX,
    WEBSITE_MAX,
    WHO_FOR_MAX,
    AccessCode,
    Entry,
    EntryArea,
    EntryNeed,
    EntryTopic,
    Kind,
    Topic,
)
from signposting.places import PlaceError, link_problem, places
from signposting.rules import KEEP_ENTRIES, KEEP_PARTNERSHIP_ENTRIES


@dataclass(frozen=True)
class Owner:
    """Whose entries: one organisation's or one partnership's, never both."""

    organisation: Organisation | None = None
    partnership: Partnership | None = None

    def __post_init__(self) -> None:
        if (self.organisation is None) == (self.partnership is None):
            raise ValueError("An owner is one organisation or one partnership")

    @classmethod
    def of(cls, entry: Entry) -> Owner:
        return cls(organisation=entry.organisation, partnership=entry.partnership)

    def kept_by(self, user: User) -> bool:
        if self.organisation is not None:
            return user.has_perm(KEEP_ENTRIES, self.organisation)
        return user.has_perm(KEEP_PARTNERSHIP_ENTRIES, self.partnership)

    def check_keeper(self, user: User) -> None:
        if not self.kept_by(user):
            raise PermissionDenied


@dataclass(frozen=True)
class EntryDetails:
    """What a keeper writes about an entry. ``areas`` is the text typed: one area a line."""

    kind: str
    name: str
    who_for: str
    how_to_get: str
    phone: str
    email: str
    website: str
    covers_everywhere: bool
    areas: str
    topics: tuple[str, ...]
    needs: tuple[str, ...]
    review_by: date


class EntryConflict(EditConflict):
    def __init__(self, entry: Entry) -> None:
        super().__init__(
            _(
                "Someone changed this entry at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: check it, then save again if "
                "you still want your change."
            )
            % {"when": long_datetime(entry.updated_at)},
            current_version=entry.version,
        )


class ConfirmConflict(EditConflict):
    def __init__(self, entry: Entry) -> None:
        super().__init__(
            _(
                "Someone changed this entry at %(when)s, after you opened the page, so it has "
                "not been marked as still right. Look at it again first."
            )
            % {"when": long_datetime(entry.updated_at)},
            current_version=entry.version,
        )


def details_of(entry: Entry) -> EntryDetails:
    """The entry as a keeper would write it, areas one a line: a change starts from this."""
    return EntryDetails(
        kind=entry.kind,
        name=entry.name,
        who_for=entry.who_for,
        how_to_get=entry.how_to_get,
        phone=entry.phone,
        email=entry.email,
        website=entry.website,
        covers_everywhere=entry.covers_everywhere,
        areas="\n".join(area.value for area in entry.areas.all()),
        topics=tuple(topic.topic for topic in entry.topics.all()),
        needs=tuple(need.need for need in entry.needs.all()),
        review_by=entry.review_by,
    )


def review_period(*, added: date, review_by: date) -> int:
    """Days from one check to the next, as the keeper chose them by the first check-by
    date; a date on or before the day the entry was added gives the default."""
    days = (review_by - added).days
    return days if days > 0 else DEFAULT_REVIEW_DAYS


def name_key(name: str) -> str:
    """The name as compared for duplicates: case and spacing do not make a second entry."""
    return " ".join(name.split()).casefold()


def _limit(value: str, most: int, code: str, field: str, what: str) -> None:
    if len(value) > most:
        raise RuleError(
            code,
            _("%(what)s must be %(max)s characters or fewer") % {"what": what, "max": most},
            field=field,
        )


#: Longest email address an entry keeps (the column's size).
EMAIL_MAX = 254
#: An entry is checked at least this often: a later check-by date is refused, and "Still
#: right" never moves the date further than this.
REVIEW_AT_MOST = timedelta(days=5 * 365)


def _checked(details: EntryDetails) -> tuple[list[tuple[str, str]], set[str], set[str]]:
    """The details held to the directory's rules; returns the areas, topics and needs."""
    if details.kind not in Kind.values:
        raise RuleError("bad_kind", _("Select what kind of support this is"), field="kind")
    name = details.name.strip()
    if not name:
        raise RuleError("name_missing", _("Enter the name"), field="name")
    _limit(name, NAME_MAX, "name_too_long", "name", _("The name"))
    if not details.who_for.strip():
        raise RuleError("who_for_missing", _("Enter who it is for"), field="who_for")
    _limit(details.who_for.strip(), WHO_FOR_MAX, "who_for_too_long", "who_for", _("Who it is for"))
    if not details.how_to_get.strip():
        raise RuleError("how_to_get_missing", _("Enter how to get it"), field="how_to_get")
    _limit(
        details.how_to_get.strip(),
        HOW_TO_GET_MAX,
        "how_to_get_too_long",
        "how_to_get",
        _("How to get it"),
    )
    _limit(details.phone.strip(), 50, "phone_too_long", "phone", _("The phone number"))
    _limit(details.email.strip(), EMAIL_MAX, "email_too_long", "email", _("The email address"))
    if details.review_by > timezone.localdate() + REVIEW_AT_MOST:
        raise RuleError(
            "review_too_far",
            _("Choose a check-by date within the next 5 years"),
            field="review_by",
        )
    if details.email.strip():
        try:
            validate_email(details.email.strip())
        except Exception:
            raise RuleError(
                "bad_email",
                _("Enter an email address in the right form, such as help@example.org"),
                field="email",
            ) from None
    website = details.website.strip()
    if website:
        _limit(website, WEBSITE_MAX, "website_too_long", "website", _("The website address"))
        problem = link_problem(website)
        if problem:
            raise RuleError("unsafe_link", problem, field="website")
    try:
        areas = [(str(kind), value) for kind, value in places(details.areas)]
    except PlaceError as error:
        raise RuleError("bad_area", str(error), field="areas") from None
    if not details.covers_everywhere and not areas:
        raise RuleError(
            "no_area",
            _("Say where it is available: name at least one area, or tick that it is everywhere"),
            field="areas",
        )
    topics = set(details.topics)
    if not topics:
        raise RuleError("no_topic", _("Select at least one topic"), field="topics")
    if not topics <= set(Topic.values):
        raise RuleError("bad_topic", _("Select topics from the list"), field="topics")
    needs = set(details.needs)
    if not needs <= {value for value, _label in need_kind_choices()}:
        raise RuleError("bad_need", _("Select kinds of need from the list"), field="needs")
    return areas, topics, needs


def _duplicate(name: str) -> RuleError:
    return RuleError(
        "duplicate_entry",
        _("There is already an entry called “%(name)s” here. Change that one instead.")
        % {"name": name.strip()},
        field="name",
    )


def _write_parts(
    entry: Entry, areas: list[tuple[str, str]], topics: set[str], needs: set[str]
) -> None:
    EntryArea.objects.filter(entry=entry).delete()
    EntryTopic.objects.filter(entry=entry).delete()
    EntryNeed.objects.filter(entry=entry).delete()
    EntryArea.objects.bulk_create(
        [EntryArea(entry=entry, kind=kind, value=value) for kind, value in areas]
    )
    EntryTopic.objects.bulk_create([EntryTopic(entry=entry, topic=t) for t in sorted(topics)])
    EntryNeed.objects.bulk_create([EntryNeed(entry=entry, need=n) for n in sorted(needs)])


def _fields(details: EntryDetails) -> dict[str, object]:
    return {
        "kind": details.kind,
        "name": details.name.strip(),
        "name_key": name_key(details.name),
        "who_for": details.who_for.strip(),
        "how_to_get": details.how_to_get.strip(),
        "phone": details.phone.strip(),
        "email": details.email.strip(),
        "website": details.website.strip(),
        "covers_everywhere": details.covers_everywhere,
        "review_by": details.review_by,
    }


def _audit(entry: Entry, *, by: User, channel: Channel, action: Action, summary: str) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=entry,
        # A partnership's entry belongs to no one organisation's log.
        organisation_id=entry.organisation_id,
        summary=f"{summary}: {entry.name}",
    )


@transaction.atomic
def entry_create(
    *,
    owner: Owner,
    by: User,
    details: EntryDetails,
    channel: Channel = Channel.WEB,
    today: date | None = None,
) -> Entry:
    """A new entry in the owner's directory; the same name twice is refused. The time from
    today to its check-by date is kept as the period "Still right" moves the date on by."""
    owner.check_keeper(by)
    areas, topics, needs = _checked(details)
    fields = _fields(details)
    scope = (
        {"organisation": owner.organisation}
        if owner.organisation is not None
        else {"partnership": owner.partnership}
    )
    if Entry.objects.filter(**scope, name_key=fields["name_key"]).exists():
        raise _duplicate(details.name)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                **scope,
                **fields,
                review_days=review_period(
                    added=today or timezone.localdate(), review_by=details.review_by
                ),
                created_by=by,
                updated_by=by,
            )
    except IntegrityError:  # the same name added at the same moment in another tab
        raise _duplicate(details.name) from None
    _write_parts(entry, areas, topics, needs)
    _audit(entry, by=by, channel=channel, action=Action.CREATE, summary="Added the support entry")
    return entry


def _parts_of(entry: Entry) -> tuple[set[tuple[str, str]], set[str], set[str]]:
    return (
        set(EntryArea.objects.filter(entry=entry).values_list("kind", "value")),
        set(EntryTopic.objects.filter(entry=entry).values_list("topic", flat=True)),
        set(EntryNeed.objects.filter(entry=entry).values_list("need", flat=True)),
    )


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    by: User,
    details: EntryDetails,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
    review_by_shown: date | None = None,
) -> bool:
    """Change an entry; returns whether anything changed. Saved unchanged, nothing is
    written, not even the version or an audit entry. A name another entry of the same owner
    has is refused.

    ``review_by_shown`` is the check-by date the page showed. "Still right" moves the date
    without a new version (it changes nothing the entry says), so a page opened before it
    still saves; when the keeper left the date as shown, the later date stays rather than
    being put back."""
    Owner.of(entry).check_keeper(by)
    locked = lock(Entry, entry.pk)
    check_version(locked.version, expected_version, lambda: EntryConflict(locked))
    if review_by_shown is not None and details.review_by == review_by_shown:
        details = replace(details, review_by=locked.review_by)
    areas, topics, needs = _checked(details)
    if (
        locked.kind == Kind.DIGITAL
        and details.kind != Kind.DIGITAL
        and AccessCode.objects.filter(entry=locked).exists()
    ):
        raise RuleError(
            "has_codes",
            _(
                "This resource has access codes, and only a digital resource can have them. "
                "Remove its codes first, then change its kind."
            ),
            field="kind",
        )
    fields = _fields(details)
    same = all(getattr(locked, name) == value for name, value in fields.items())
    if same and _parts_of(locked) == (set(areas), topics, needs):
        return False
    clash = Entry.objects.filter(
        organisation=locked.organisation_id,
        partnership=locked.partnership_id,
        name_key=fields["name_key"],
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise _duplicate(details.name)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = by
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:  # renamed at the same moment as another entry took the name
        raise _duplicate(details.name) from None
    _write_parts(locked, areas, topics, needs)
    entry.refresh_from_db()
    _audit(
        locked, by=by, channel=channel, action=Action.UPDATE, summary="Changed the support entry"
    )
    return True


@transaction.atomic
def entry_confirm(
    *,
    entry: Entry,
    by: User,
    expected_version: int | None,
    today: date,
    channel: Channel = Channel.WEB,
) -> bool:
    """Record that a keeper checked the entry today and it is still right: its check-by date
    moves to today plus the entry's period (never earlier than it was). Returns whether
    anything changed; pressed twice in a day, the second writes nothing.

    Nothing the entry says changes, so neither does its version or its "last changed" time:
    someone editing it meanwhile saves without a conflict (``entry_update`` keeps the new
    date). ``expected_version`` is the version the keeper looked at: confirming a copy that
    someone has since changed is refused."""
    Owner.of(entry).check_keeper(by)
    locked = lock(Entry, entry.pk)
    check_version(locked.version, expected_version, lambda: ConfirmConflict(locked))
    period = timedelta(days=min(locked.review_days, REVIEW_AT_MOST.days))
    review_by = max(locked.review_by, today + period)
    if locked.reviewed_on == today and locked.review_by == review_by:
        return False
    # An update, not a save: ``updated_at`` says when the entry last changed, and it has not.
    Entry.objects.filter(pk=locked.pk).update(review_by=review_by, reviewed_on=today)
    entry.review_by, entry.reviewed_on = review_by, today
    _audit(
        locked,
        by=by,
        channel=channel,
        action=Action.UPDATE,
        summary="Checked the support entry is still right",
    )
    return True


@transaction.atomic
def entry_remove(*, entry: Entry, by: User, channel: Channel = Channel.WEB) -> None:
    """Take an entry out of the directory, with its access codes."""
    Owner.of(entry).check_keeper(by)
    locked = lock(Entry, entry.pk)
    _audit(
        locked, by=by, channel=channel, action=Action.DELETE, summary="Removed the support entry"
    )
    locked.delete()


@dataclass(frozen=True)
class CodeDetails:
    code: str
    #: Who may use it: one organisation's staff, or every organisation in a partnership.
    holder: Owner
    valid_from: date
    valid_until: date
    notes: str


@transaction.atomic
def code_add(
    *, entry: Entry, by: User, details: CodeDetails, today: date, channel: Channel = Channel.WEB
) -> AccessCode:
    """An access code for a digital resource. An organisation's entry has codes for that
    organisation; a partnership's, for the partnership or one organisation in it now. A code
    whose last day has passed is refused: it would show nothing to anyone."""
    owner = Owner.of(entry)
    owner.check_keeper(by)
    locked = lock(Entry, entry.pk)
    if locked.kind != Kind.DIGITAL:
        raise RuleError(
            "not_digital", _("Only a digital resource has access codes. Change its kind first.")
        )
    code = details.code.strip()
    if not code:
        raise RuleError("code_missing", _("Enter the access code"), field="code")
    _limit(code, CODE_MAX, "code_too_long", "code", _("The access code"))
    _limit(details.notes.strip(), NOTES_MAX, "notes_too_long", "notes", _("The notes"))
    if details.valid_until < today:
        raise RuleError(
            "expired_code",
            _("The code's last day has passed. Enter a date from today onwards."),
            field="valid_until",
        )
    if details.valid_until < details.valid_from:
        raise RuleError(
            "dates_out_of_order",
            _("The last day must be the same as or after the first day"),
            field="valid_until",
        )
    holder = details.holder
    if owner.organisation is not None:
        if holder.organisation != owner.organisation:
            raise RuleError(
                "wrong_holder",
                _("A code for this entry is for your organisation's staff only"),
                field="holder",
            )
    elif holder.partnership is not None:
        if holder.partnership != owner.partnership:
            raise RuleError(
                "wrong_holder", _("Choose who may use the code from the list"), field="holder"
            )
    else:
        assert holder.organisation is not None
        # Read now, not from the page: the organisation may have left since it was opened.
        current = (
            Organisation.objects.filter(pk=holder.organisation.pk)
            .values_list("partnership_id", flat=True)
            .first()
        )
        if current != locked.partnership_id:
            raise RuleError(
                "not_in_partnership",
                _(
                    "%(name)s is no longer in the partnership, so its staff cannot see this "
                    "entry. Choose another organisation or the whole partnership."
                )
                % {"name": holder.organisation.name},
                field="holder",
            )
    added = AccessCode.objects.create(
        entry=locked,
        code=code,
        organisation=holder.organisation,
        partnership=holder.partnership,
        valid_from=details.valid_from,
        valid_until=details.valid_until,
        notes=details.notes.strip(),
        created_by=by,
    )
    _audit(locked, by=by, channel=channel, action=Action.UPDATE, summary="Added an access code")
    return added


@transaction.atomic
def code_remove(*, code: AccessCode, by: User, channel: Channel = Channel.WEB) -> None:
    """Stop showing a code, for instance when the provider has replaced it."""
    entry = code.entry
    Owner.of(entry).check_keeper(by)
    _audit(entry, by=by, channel=channel, action=Action.UPDATE, summary="Removed an access code")
    code.delete()
