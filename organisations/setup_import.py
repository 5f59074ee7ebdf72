"""Setting up a partnership's organisations and units from one CSV file: reading and checking.

The layout and every rule are in docs/organisation-setup.md. This module only reads: it turns
a file into a ``SetupPlan`` (what would be created, renamed or moved, and every problem with
its line and column) and writes nothing. ``organisations.services.organisation_setup_apply``
applies a plan that has no problems, all or nothing.

The file is read with the staff import's reader (``staff_import.reading``): the same bound on a
row's length, the same header matching, UTF-8 or Windows-1252 told apart on the fly, and the
text rule applied strictly to every cell, since a removed character could turn one code into
another's.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from organisations.models import Nation, Organisation, Partnership, Sector, SizeBand, Unit
from organisations.staff_import.plan import ERRORS_KEPT, ImportPlan, RowError
from organisations.staff_import.profiles import UTF8_OR_WINDOWS_1252, Profile
from organisations.staff_import.reading import BoundedReader, file_problem, read_layout
from shared.text import TextRuleError, clean_text

#: Column → accepted header spellings (compared without case, spaces, underscores or dashes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("organisationshortname", "organisationslug", "shortname", "slug"),
    "name": ("organisationname", "organisation"),
    "nation": ("nation", "country"),
    "sector": ("sector",),
    "size": ("size", "sizeband", "numberofstaff"),
    "unit_code": ("unitcode", "departmentcode"),
    "unit_name": ("unitname", "departmentname"),
    "parent_code": ("parentunitcode", "parentcode", "parentunit"),
}
HEADINGS = {
    "slug": "Organisation Short Name",
    "name": "Organisation Name",
    "nation": "Nation",
    "sector": "Sector",
    "size": "Size",
    "unit_code": "Unit Code",
    "unit_name": "Unit Name",
    "parent_code": "Parent Unit Code",
}
REQUIRED = ("slug",)
PROFILE = Profile(
    name="organisation_setup",
    label=_lazy("Organisations and units"),
    columns=COLUMNS,
    headings=HEADINGS,
    required=REQUIRED,
    encoding=UTF8_OR_WINDOWS_1252,
)
#: The most rows one file may hold: a whole integrated care system is a few thousand units,
#: and the checked plan travels in the confirmation form (docs/organisation-setup.md).
MAX_ROWS = 5000
#: The largest file the page takes: 5,000 rows of a few hundred characters.
MAX_BYTES = 4 * 1024 * 1024
#: Rows of each kind shown on the preview and printed by the command.
PREVIEW_ROWS = 20
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
SLUG_LENGTH = Organisation._meta.get_field("slug").max_length or 60
NAME_LENGTH = Organisation._meta.get_field("name").max_length or 200
CODE_LENGTH = Unit._meta.get_field("code").max_length or 40
UNIT_NAME_LENGTH = Unit._meta.get_field("name").max_length or 200

CREATE, RENAME, CHANGE, UNCHANGED = "create", "rename", "change", "unchanged"


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def _choices(options: Any) -> dict[str, str]:
    """A choice's value or its English label, compared like headings."""
    found: dict[str, str] = {}
    for value, label in options.choices:
        found[_key(value)] = value
        found[_key(str(label))] = value
    return found


_NATIONS = _choices(Nation)
_SECTORS = {**_choices(Sector), "nhs": Sector.NHS, "council": Sector.LOCAL_GOVERNMENT}
_SIZES = _choices(SizeBand)


@dataclass
class OrganisationStep:
    """One organisation named in the file, and what applying does to it."""

    line: int
    slug: str
    name: str
    nation: str
    sector: str
    size_band: str
    action: str = CREATE
    existing_id: int | None = None
    #: The name on file when the plan was made: applying refuses if it has changed since.
    old_name: str = ""

    @property
    def labels(self) -> tuple[str, str, str]:
        """The nation, sector and size as people read them."""
        return (
            str(dict(Nation.choices).get(self.nation, self.nation)),
            str(dict(Sector.choices).get(self.sector, self.sector)),
            str(dict(SizeBand.choices).get(self.size_band, self.size_band)),
        )


@dataclass
class UnitStep:
    """One unit row of the file, and what applying does to it."""

    line: int
    organisation: str
    code: str
    name: str
    parent: str
    action: str = CREATE
    existing_id: int | None = None
    old_name: str = ""
    old_parent: str = ""


@dataclass
class SetupPlan:
    """What a file would do in one partnership; any problem means nothing is written."""

    partnership_id: int
    file_name: str = ""
    organisations: list[OrganisationStep] = field(default_factory=list)
    units: list[UnitStep] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def hidden_errors(self) -> int:
        return max(0, self.error_count - len(self.errors))

    def problem(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(line, column, message))

    def counts(self) -> dict[str, int]:
        def count(steps: Iterable[OrganisationStep | UnitStep], action: str) -> int:
            return sum(1 for step in steps if step.action == action)

        return {
            "organisations_created": count(self.organisations, CREATE),
            "organisations_renamed": count(self.organisations, RENAME),
            "organisations_unchanged": count(self.organisations, UNCHANGED),
            "units_created": count(self.units, CREATE),
            "units_changed": count(self.units, CHANGE),
            "units_unchanged": count(self.units, UNCHANGED),
        }

    @property
    def changes_anything(self) -> bool:
        counts = self.counts()
        return any(counts[k] for k in counts if not k.endswith("_unchanged"))

    def first_organisations(self, action: str) -> list[OrganisationStep]:
        """The first ``PREVIEW_ROWS`` organisations that applying would ``action``."""
        return [step for step in self.organisations if step.action == action][:PREVIEW_ROWS]

    def first_units(self, action: str) -> list[UnitStep]:
        """The first ``PREVIEW_ROWS`` units that applying would ``action``."""
        return [step for step in self.units if step.action == action][:PREVIEW_ROWS]

    def to_data(self) -> dict[str, Any]:
        """The checked plan as JSON-ready data, to be signed into the confirmation form."""
        return {
            "partnership_id": self.partnership_id,
            "file_name": self.file_name,
            "organisations": [asdict(step) for step in self.organisations],
            "units": [asdict(step) for step in self.units],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SetupPlan:
        return cls(
            partnership_id=int(data["partnership_id"]),
            file_name=str(data.get("file_name", "")),
            organisations=[OrganisationStep(**step) for step in data["organisations"]],
            units=[UnitStep(**step) for step in data["units"]],
        )


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


class _RowProblems:
    """A row's own problems, each reported with its line and column and remembered by column,
    so that the rest of the file is checked without the bad cells and not blamed for them."""

    def __init__(self, row: _Row, plan: SetupPlan) -> None:
        self.row, self.plan = row, plan
        self.columns: set[str] = set()

    def add(self, name: str, message: str) -> None:
        self.plan.problem(self.row.line, HEADINGS[name], message)
        self.columns.add(name)


def _clean_cells(row: _Row, problems: _RowProblems) -> None:
    """The text rule on every cell, strictly: a character that is not text is a problem."""
    for name, value in row.cells.items():
        try:
            row.cells[name] = clean_text(value, multiline=False, strict=True)
        except TextRuleError as error:
            hint = (
                _("save the file again as plain text")
                if error.code == "control_character"
                else _("remove it from the file")
            )
            problems.add(name, f"{error.reason}; {hint}")


def _read_rows(upload: IO[bytes], plan: SetupPlan) -> list[_Row] | None:
    """Every non-blank row with its cells by column; ``None`` if the file cannot be read."""
    stream = io.TextIOWrapper(upload, encoding=PROFILE.encoding, newline="")
    try:
        reader = BoundedReader(stream)
        early: list[RowError] = []
        layout_plan = ImportPlan()
        try:
            layout = read_layout(reader, layout_plan, early, PROFILE)
        except (UnicodeDecodeError, csv.Error) as exc:
            early.append(file_problem(exc, PROFILE))
            layout = None
        plan.ignored_columns = layout_plan.ignored_columns
        for error in early:
            plan.problem(error.line, error.column, error.message)
        if layout is None:
            return None
        rows: list[_Row] = []
        try:
            for raw in reader:
                if not any(cell.strip() for cell in raw):
                    continue
                if len(rows) == MAX_ROWS:
                    plan.problem(
                        reader.reader.line_num,
                        "",
                        _(
                            "The file has more than %(limit)s rows. Split it into files of "
                            "%(limit)s rows or fewer, for example one for each organisation."
                        )
                        % {"limit": f"{MAX_ROWS:,}"},
                    )
                    return None
                cells = {
                    name: raw[index].strip() if index < len(raw) else ""
                    for name, index in layout.positions.items()
                }
                for name in COLUMNS:
                    cells.setdefault(name, "")
                rows.append(_Row(reader.reader.line_num, cells))
        except (UnicodeDecodeError, csv.Error) as exc:
            error = file_problem(exc, PROFILE)
            plan.problem(error.line, error.column, error.message)
            return None
        return rows
    finally:
        stream.detach()


def _check_row(row: _Row, plan: SetupPlan) -> set[str]:
    """The checks that need only this row; the columns with a problem."""
    problems = _RowProblems(row, plan)
    _clean_cells(row, problems)
    c = row.cells
    missing = _("is missing")
    if not c["slug"]:
        problems.add("slug", missing)
    elif len(c["slug"]) > SLUG_LENGTH:
        problems.add(
            "slug",
            _("must be %(count)s characters or fewer") % {"count": SLUG_LENGTH},
        )
    elif not _SLUG.fullmatch(c["slug"]):
        problems.add(
            "slug",
            _(
                "must be lower-case letters, numbers and hyphens only, such as "
                "“leeds-teaching-hospitals”"
            ),
        )
    for name, limit in (("name", NAME_LENGTH), ("unit_name", UNIT_NAME_LENGTH)):
        if len(c[name]) > limit:
            problems.add(
                name,
                _("must be %(count)s characters or fewer") % {"count": limit},
            )
    for name, known, hint in (
        ("nation", _NATIONS, _("England, Wales, Scotland or Northern Ireland")),
        (
            "sector",
            _SECTORS,
            _("NHS, local government, public, private or voluntary"),
        ),
        ("size", _SIZES, _("micro, small, medium or large")),
    ):
        if c[name]:
            value = known.get(_key(c[name]))
            if value is None:
                problems.add(
                    name,
                    _("“%(value)s” is not one we know: write %(choices)s")
                    % {"value": c[name], "choices": hint},
                )
            else:
                c[name] = value
    if len(c["unit_code"]) > CODE_LENGTH:
        problems.add(
            "unit_code",
            _("must be %(count)s characters or fewer") % {"count": CODE_LENGTH},
        )
    if not c["unit_code"]:
        for name in ("unit_name", "parent_code"):
            if c[name]:
                problems.add(
                    "unit_code",
                    _("is missing: a row with a unit name or parent unit needs the unit's code"),
                )
                break
    else:
        if not c["unit_name"]:
            problems.add("unit_name", missing)
        if c["parent_code"] == c["unit_code"]:
            problems.add(
                "parent_code",
                _("is the unit's own code: a unit cannot be its own parent"),
            )
    return problems.columns


def _organisations(rows: list[_Row], plan: SetupPlan) -> dict[str, OrganisationStep]:
    """One step per short name; a value given on two rows must agree."""
    found: dict[str, OrganisationStep] = {}
    first_line: dict[tuple[str, str], int] = {}
    attribute = {"name": "name", "nation": "nation", "sector": "sector", "size": "size_band"}
    for row in rows:
        slug = row.cells["slug"]
        step = found.setdefault(slug, OrganisationStep(row.line, slug, "", "", "", ""))
        for column, name in attribute.items():
            value = row.cells[column]
            if not value:
                continue
            current = getattr(step, name)
            if not current:
                setattr(step, name, value)
                first_line[slug, column] = row.line
            elif current != value:
                plan.problem(
                    row.line,
                    HEADINGS[column],
                    _("differs from line %(line)s for the same organisation (“%(value)s”)")
                    % {"line": first_line[slug, column], "value": current},
                )
    return found


def _match_organisations(
    steps: dict[str, OrganisationStep],
    partnership: Partnership,
    plan: SetupPlan,
    flawed: dict[str, set[str]],
) -> dict[str, Organisation]:
    """Existing organisations with the file's short names; new ones must say everything (a
    column already reported as wrong on one of its rows is not reported again as missing)."""
    existing = {o.slug: o for o in Organisation.objects.filter(slug__in=list(steps))}
    labels = {
        "nation": dict(Nation.choices),
        "sector": dict(Sector.choices),
        "size_band": dict(SizeBand.choices),
    }
    for slug, step in steps.items():
        organisation = existing.get(slug)
        if organisation is None:
            for column, name in (
                ("name", "name"),
                ("nation", "nation"),
                ("sector", "sector"),
                ("size", "size_band"),
            ):
                if not getattr(step, name) and column not in flawed.get(slug, set()):
                    plan.problem(
                        step.line,
                        HEADINGS[column],
                        _("is missing: “%(slug)s” is a new organisation, so it needs one")
                        % {"slug": slug},
                    )
            continue
        if organisation.partnership_id != partnership.pk:
            plan.problem(
                step.line,
                HEADINGS["slug"],
                _(
                    "“%(slug)s” is already the short name of an organisation outside this "
                    "partnership. Choose another short name."
                )
                % {"slug": slug},
            )
            continue
        step.existing_id = organisation.pk
        step.old_name = organisation.name
        for column, name in (("nation", "nation"), ("sector", "sector"), ("size", "size_band")):
            given, current = getattr(step, name), getattr(organisation, name)
            if given and given != current:
                plan.problem(
                    step.line,
                    HEADINGS[column],
                    _(
                        "“%(slug)s” is already set up as %(current)s. The file does not change "
                        "this: leave the cell empty, or ask a deployment admin to change it."
                    )
                    % {"slug": slug, "current": labels[name].get(current, current)},
                )
            setattr(step, name, current)
        if not step.name:
            step.name = organisation.name
        step.action = UNCHANGED if step.name == organisation.name else RENAME
    return {slug: o for slug, o in existing.items() if o.partnership_id == partnership.pk}


def _units(
    rows: list[_Row],
    organisations: dict[str, Organisation],
    plan: SetupPlan,
) -> list[UnitStep]:
    """One step per unit row, matched with the unit on file; parents known and no circles."""
    on_file: dict[tuple[str, str], Unit] = {
        (unit.organisation.slug, unit.code): unit
        for unit in Unit.objects.filter(organisation__in=list(organisations.values()))
        .select_related("organisation", "parent")
        .order_by()
    }
    steps: list[UnitStep] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        c = row.cells
        if not c["unit_code"]:
            continue
        key = (c["slug"], c["unit_code"])
        if key in seen:
            plan.problem(
                row.line,
                HEADINGS["unit_code"],
                _("appears twice for this organisation: also on line %(line)s")
                % {"line": seen[key]},
            )
            continue
        seen[key] = row.line
        step = UnitStep(row.line, c["slug"], c["unit_code"], c["unit_name"], c["parent_code"])
        unit = on_file.get(key)
        if unit is not None:
            step.existing_id = unit.pk
            step.old_name = unit.name
            step.old_parent = unit.parent.code if unit.parent else ""
            same = (step.name, step.parent) == (step.old_name, step.old_parent)
            step.action = UNCHANGED if same else CHANGE
        steps.append(step)
    # The tree after applying: the units on file, with the file's rows over them.
    parents: dict[tuple[str, str], str] = {
        key: unit.parent.code if unit.parent else "" for key, unit in on_file.items()
    }
    parents.update({(step.organisation, step.code): step.parent for step in steps})
    for step in steps:
        if step.parent and (step.organisation, step.parent) not in parents:
            plan.problem(
                step.line,
                HEADINGS["parent_code"],
                _("No unit has the code “%(code)s” in this file or already in this organisation.")
                % {"code": step.parent},
            )
    for step in steps:
        circle = _circle(parents, step.organisation, step.code)
        if circle:
            plan.problem(
                step.line,
                HEADINGS["parent_code"],
                _("would make units go round in a circle: %(circle)s")
                % {"circle": " → ".join(circle)},
            )
    return steps


def _circle(parents: dict[tuple[str, str], str], organisation: str, code: str) -> list[str]:
    """The codes of the circle ``code`` is on, starting and ending with it; empty if none."""
    path = [code]
    current = parents.get((organisation, code), "")
    while current and len(path) <= len(parents):
        if current == code:
            return [*path, code]
        if current in path:
            return []  # a circle further up, reported on its own rows
        path.append(current)
        current = parents.get((organisation, current), "")
    return []


def plan_setup(*, partnership: Partnership, upload: IO[bytes], file_name: str = "") -> SetupPlan:
    """Read and check the whole file; nothing is written (docs/organisation-setup.md)."""
    plan = SetupPlan(partnership_id=partnership.pk, file_name=file_name)
    rows = _read_rows(upload, plan)
    if rows is None:
        return plan
    if not rows:
        plan.problem(0, "", _("The file has a header row but no organisations."))
        return plan
    plan.rows_read = len(rows)
    usable: list[_Row] = []
    flawed: dict[str, set[str]] = {}
    for row in rows:
        bad = _check_row(row, plan)
        if "slug" in bad:
            continue  # nothing on the row can be told apart from another organisation's
        flawed.setdefault(row.cells["slug"], set()).update(bad)
        # The rest of the file is checked without the bad cells, and not blamed for them.
        for name in bad & {"name", "nation", "sector", "size", "parent_code"}:
            row.cells[name] = ""
        if "unit_code" in bad:
            row.cells.update(unit_code="", unit_name="", parent_code="")
        usable.append(row)
    steps = _organisations(usable, plan)
    organisations = _match_organisations(steps, partnership, plan, flawed)
    plan.organisations = list(steps.values())
    plan.units = _units(usable, organisations, plan)
    plan.errors.sort(key=lambda error: error.line)
    return plan


#: How long a checked plan may wait for its confirmation.
PLAN_VALID_FOR = 60 * 60


def _salt(user_id: int) -> str:
    # Bound to the person who checked it: a copied form is of no use to anyone else.
    return f"organisations.setup_import.plan:{user_id}"


def sign_plan(plan: SetupPlan, *, user_id: int) -> str:
    """The checked plan, signed, to travel in the confirmation form: what is confirmed is
    exactly what was previewed, never a file read again."""
    return signing.dumps(plan.to_data(), salt=_salt(user_id), compress=True)


def unsign_plan(token: str, *, user_id: int) -> SetupPlan | None:
    """The plan a confirmation carries; None if it was altered, is someone else's or expired."""
    try:
        data = signing.loads(token, salt=_salt(user_id), max_age=PLAN_VALID_FOR)
        return SetupPlan.from_data(data)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
