"""Setting up organisations and units from a file: the checks (docs/organisation-setup.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings

from audit.models import Action, AuditEvent, Channel
from organisations.models import Organisation, Unit
from organisations.services import organisation_setup_apply
from organisations.setup_import import (
    CHANGE,
    CREATE,
    RENAME,
    UNCHANGED,
    SetupPlan,
    plan_setup,
    sign_plan,
    unsign_plan,
)
from organisations.tests.factories import OrganisationFactory, PartnershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "Organisation Short Name,Organisation Name,Nation,Sector,Size,Unit Code,Unit Name,Parent Unit Code\n"
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "organisation-setup.csv"


def _plan(text: str | bytes, partnership=None) -> SetupPlan:
    partnership = partnership or PartnershipFactory.create()
    data = text.encode() if isinstance(text, str) else text
    return plan_setup(partnership=partnership, upload=io.BytesIO(data), file_name="f.csv")


def _problems(plan: SetupPlan) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in plan.errors]


def test_the_documented_example_is_a_clean_file():
    plan = _plan(EXAMPLE.read_bytes())
    assert plan.ok, _problems(plan)
    assert plan.counts() == {
        "organisations_created": 3,
        "organisations_renamed": 0,
        "organisations_unchanged": 0,
        "units_created": 8,
        "units_changed": 0,
        "units_unchanged": 0,
    }


def test_a_new_organisation_needs_its_name_nation_sector_and_size():
    plan = _plan(HEADER + "new-trust,,,,,W1,Ward 1,\n")
    columns = {column for _line, column, _message in _problems(plan)}
    assert columns == {"Organisation Name", "Nation", "Sector", "Size"}
    assert all(line == 2 for line, _c, _m in _problems(plan))


def test_a_bad_nation_sector_or_size_is_named_with_its_line_and_column():
    plan = _plan(HEADER + "a,A,Atlantis,NHS,Large,,,\nb,B,Wales,Bakery,Huge,,,\n")
    problems = _problems(plan)
    assert (2, "Nation") in [(line, column) for line, column, _m in problems]
    assert {(3, "Sector"), (3, "Size")} <= {(line, column) for line, column, _m in problems}
    assert "“Atlantis” is not one we know" in problems[0][2]


def test_nations_sectors_and_sizes_are_read_by_their_names_or_values():
    plan = _plan(HEADER + "a,A,northern ireland,Local government,50 to 249 staff,,,\n")
    assert plan.ok, _problems(plan)
    (step,) = plan.organisations
    assert (step.nation, step.sector, step.size_band) == (
        "northern_ireland",
        "local_government",
        "medium",
    )


def test_a_short_name_must_be_lower_case_letters_numbers_and_hyphens():
    plan = _plan(
        HEADER + "Big Trust,Big,England,NHS,Large,,,\n" + "x" * 61 + ",X,England,NHS,Large,,,\n"
    )
    assert [(line, column) for line, column, _m in _problems(plan)] == [
        (2, "Organisation Short Name"),
        (3, "Organisation Short Name"),
    ]


def test_names_and_codes_too_long_are_refused():
    long_name = "N" * 201
    plan = _plan(HEADER + f"a,{long_name},England,NHS,Large,{'C' * 41},{long_name},\n")
    columns = sorted(column for _line, column, _m in _problems(plan))
    assert columns == ["Organisation Name", "Unit Code", "Unit Name"]


def test_the_same_unit_code_twice_in_one_organisation_is_refused():
    plan = _plan(
        HEADER
        + "a,A,England,NHS,Large,W1,Ward,\na,,,,,W1,Ward again,\nb,B,Wales,NHS,Small,W1,Other,\n"
    )
    assert _problems(plan) == [
        (3, "Unit Code", "appears twice for this organisation: also on line 2")
    ]


def test_values_that_disagree_for_one_organisation_are_refused():
    plan = _plan(HEADER + "a,A,England,NHS,Large,,,\na,A Trust,England,NHS,Large,W1,Ward,\n")
    assert _problems(plan) == [
        (3, "Organisation Name", "differs from line 2 for the same organisation (“A”)")
    ]


def test_a_parent_unit_must_be_in_the_file_or_the_organisation():
    plan = _plan(HEADER + "a,A,England,NHS,Large,W1,Ward,NOPE\n")
    assert _problems(plan)[0][:2] == (2, "Parent Unit Code")
    assert "“NOPE”" in _problems(plan)[0][2]


def test_a_parent_from_another_organisation_does_not_count():
    plan = _plan(
        HEADER + "a,A,England,NHS,Large,MED,Medicine,\nb,B,England,NHS,Large,W1,Ward,MED\n"
    )
    assert [(line, column) for line, column, _m in _problems(plan)] == [(3, "Parent Unit Code")]


def test_units_going_round_in_a_circle_are_refused_on_each_line():
    plan = _plan(
        HEADER + "a,A,England,NHS,Large,X,Ex,Y\na,,,,,Y,Why,Z\na,,,,,Z,Zed,X\na,,,,,Q,Queue,X\n"
    )
    problems = _problems(plan)
    assert [line for line, _c, _m in problems] == [2, 3, 4]
    assert problems[0][2] == "would make units go round in a circle: X → Y → Z → X"


def test_a_circle_through_a_unit_already_on_file_is_refused():
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership, slug="a")
    top = UnitFactory.create(organisation=organisation, code="TOP", name="Top")
    UnitFactory.create(organisation=organisation, code="MID", name="Mid", parent=top)
    plan = _plan(HEADER + "a,,,,,TOP,Top,MID\n", partnership)
    assert [column for _l, column, _m in _problems(plan)] == ["Parent Unit Code"]


def test_a_short_name_used_outside_the_partnership_is_refused():
    OrganisationFactory.create(slug="taken", partnership=PartnershipFactory.create())
    OrganisationFactory.create(slug="loose", partnership=None)
    plan = _plan(HEADER + "taken,T,England,NHS,Large,,,\nloose,L,England,NHS,Large,,,\n")
    assert [(line, column) for line, column, _m in _problems(plan)] == [
        (2, "Organisation Short Name"),
        (3, "Organisation Short Name"),
    ]
    assert "outside this partnership" in plan.errors[0].message


def test_an_existing_organisations_nation_is_not_changed_by_the_file():
    partnership = PartnershipFactory.create()
    OrganisationFactory.create(partnership=partnership, slug="a", nation="wales")
    plan = _plan(HEADER + "a,,England,,,,,\n", partnership)
    assert [column for _l, column, _m in _problems(plan)] == ["Nation"]


def test_a_control_character_is_a_problem_in_its_cell():
    plan = _plan(HEADER + "a,A\x07 Trust,England,NHS,Large,,,\n")
    assert [(line, column) for line, column, _m in _problems(plan)] == [(2, "Organisation Name")]


def test_a_file_in_windows_1252_is_read():
    plan = _plan(
        (HEADER + "a,Ysbyty\u2019r Gogledd,Wales,NHS,Large,W1,Ward Dewi,\n").encode("cp1252")
    )
    assert plan.ok, _problems(plan)
    assert plan.organisations[0].name == "Ysbyty\u2019r Gogledd"


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused_plainly():
    plan = _plan(
        (HEADER + "a,Caf\u00e9,England,NHS,Large,,,\n").encode() + b"b,\x81,England,NHS,Large,,,\n"
    )
    assert not plan.ok
    assert "neither UTF-8 nor Windows-1252" in plan.errors[0].message


def test_a_missing_short_name_column_is_refused():
    plan = _plan("Organisation Name,Nation\nA,England\n")
    assert _problems(plan)[0][:2] == (1, "Organisation Short Name")


def test_a_row_longer_than_the_limit_stops_the_reading(monkeypatch):
    from organisations.staff_import import reading

    monkeypatch.setattr(reading, "MAX_ROW_CHARACTERS", 200)
    plan = _plan(HEADER + "a," + "A" * 300 + ",England,NHS,Large,,,\n")
    assert not plan.ok
    assert "longer than 200 characters" in plan.errors[0].message


def test_a_header_without_rows_is_refused():
    plan = _plan(HEADER)
    assert not plan.ok


def test_existing_organisations_and_units_are_matched_renamed_or_left_alone():
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership, slug="a", name="Old name")
    UnitFactory.create(organisation=organisation, code="W1", name="Ward 1")
    UnitFactory.create(organisation=organisation, code="W2", name="Ward 2")
    plan = _plan(
        HEADER + "a,New name,,,,W1,Ward 1,\na,,,,,W2,Ward Two,W1\na,,,,,W3,Ward 3,W1\n",
        partnership,
    )
    assert plan.ok, _problems(plan)
    assert [step.action for step in plan.organisations] == [RENAME]
    assert [step.action for step in plan.units] == [UNCHANGED, CHANGE, CREATE]


def test_applying_creates_everything_with_parents_and_audits_it():
    partnership = PartnershipFactory.create()
    plan = _plan(EXAMPLE.read_bytes(), partnership)
    counts = organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
    assert counts["organisations_created"] == 3
    trust = Organisation.objects.get(slug="northfield-hospitals")
    assert trust.partnership == partnership
    assert (trust.nation, trust.sector, trust.size_band) == ("england", "nhs", "large")
    ward = Unit.objects.get(organisation=trust, code="MED-W1")
    assert ward.parent is not None
    assert ward.parent.code == "MED"
    created = AuditEvent.objects.filter(
        object_type="organisations.organisation", action=Action.CREATE
    )
    assert created.count() == 3
    assert AuditEvent.objects.filter(object_type="organisations.partnership").count() == 1


def test_running_the_same_file_again_changes_nothing():
    partnership = PartnershipFactory.create()
    organisation_setup_apply(
        plan=_plan(EXAMPLE.read_bytes(), partnership), by=None, channel=Channel.COMMAND
    )
    events = AuditEvent.objects.count()
    again = _plan(EXAMPLE.read_bytes(), partnership)
    assert again.ok
    assert not again.changes_anything
    assert again.counts()["units_unchanged"] == 8
    organisation_setup_apply(plan=again, by=None, channel=Channel.COMMAND)
    # Not even an audit entry: every organisation and unit is as it was.
    assert AuditEvent.objects.count() == events
    assert Unit.objects.filter(organisation__partnership=partnership).count() == 8


def test_a_failure_half_way_leaves_nothing(monkeypatch):
    partnership = PartnershipFactory.create()
    plan = _plan(EXAMPLE.read_bytes(), partnership)
    saved = {"count": 0}
    real_save = Unit.save

    def failing_save(self, *args, **kwargs):
        saved["count"] += 1
        if saved["count"] == 5:
            raise RuntimeError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Unit, "save", failing_save)
    with pytest.raises(RuntimeError):
        organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
    assert not Organisation.objects.filter(partnership=partnership).exists()
    assert not Unit.objects.filter(organisation__slug__startswith="northfield").exists()
    assert not AuditEvent.objects.filter(object_type="organisations.partnership").exists()


def test_a_plan_is_refused_when_the_database_changed_since_it_was_checked():
    from shared.writes import RuleError

    partnership = PartnershipFactory.create()
    plan = _plan(EXAMPLE.read_bytes(), partnership)
    OrganisationFactory.create(partnership=partnership, slug="northfield-hospice")
    with pytest.raises(RuleError) as refused:
        organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
    assert refused.value.code == "setup_plan_stale"
    assert Organisation.objects.filter(partnership=partnership).count() == 1


def test_a_signed_plan_comes_back_the_same_only_for_its_signer():
    plan = _plan(EXAMPLE.read_bytes())
    token = sign_plan(plan, user_id=7)
    back = unsign_plan(token, user_id=7)
    assert back is not None
    assert back.to_data() == plan.to_data()
    assert unsign_plan(token, user_id=8) is None
    assert unsign_plan(token[:-2] + "xx", user_id=7) is None


def test_hr_may_add_units_to_their_own_organisation_but_not_set_up_organisations():
    """HR admins and organisation admins change their organisation's units one at a time
    (``organisations.change_units``); a file may do the same, and no more."""
    from organisations.models import Membership, Role
    from organisations.tests.factories import UserFactory
    from shared.writes import RuleError

    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership, slug="a", name="A")
    hr = UserFactory.create()
    Membership.objects.create(user=hr, organisation=organisation, role=Role.HR_ADMIN)
    units_only = _plan(HEADER + "a,,,,,W1,Ward 1,\n", partnership)
    organisation_setup_apply(plan=units_only, by=hr, channel=Channel.WEB)
    assert Unit.objects.filter(organisation=organisation, code="W1").exists()

    for text in (HEADER + "b,B,England,NHS,Large,,,\n", HEADER + "a,A renamed,,,,,,\n"):
        with pytest.raises(RuleError) as refused:
            organisation_setup_apply(plan=_plan(text, partnership), by=hr, channel=Channel.WEB)
        assert refused.value.code == "setup_not_allowed"
    other = OrganisationFactory.create(partnership=partnership, slug="c")
    with pytest.raises(RuleError):
        organisation_setup_apply(
            plan=_plan(HEADER + "c,,,,,W1,Ward,\n", partnership), by=hr, channel=Channel.WEB
        )
    assert not Unit.objects.filter(organisation=other).exists()


def test_a_bad_cell_is_reported_once_and_does_not_spill_onto_other_rows():
    plan = _plan(
        HEADER
        + "a,A,Atlantis,NHS,Large,MED,Medicine,\n"
        + "a,,,,,W1,Ward 1,MED\n"
        + "a,,,,,"
        + "C" * 41
        + ",Too long,\n"
    )
    assert [(line, column) for line, column, _m in _problems(plan)] == [
        (2, "Nation"),
        (4, "Unit Code"),
    ]


def test_a_short_name_taken_at_the_same_moment_refuses_the_plan(monkeypatch):
    from django.db import IntegrityError

    from shared.writes import RuleError

    partnership = PartnershipFactory.create()
    plan = _plan(EXAMPLE.read_bytes(), partnership)

    def taken(self, *args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Organisation, "full_clean", lambda self, *a, **k: None)
    monkeypatch.setattr(Organisation, "save", taken)
    with pytest.raises(RuleError) as refused:
        organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
    assert refused.value.code == "setup_plan_stale"


def _stale(plan: SetupPlan) -> None:
    from shared.writes import RuleError

    with pytest.raises(RuleError) as refused:
        organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
    assert refused.value.code == "setup_plan_stale"


def test_a_parent_deleted_after_the_check_refuses_the_plan(db):
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership, slug="trust-a")
    parent = UnitFactory.create(organisation=organisation, code="P", name="Parent")
    plan = _plan(HEADER + "trust-a,,,,,W1,Ward 1,P\n", partnership)
    assert plan.ok, _problems(plan)
    parent.delete()
    _stale(plan)
    assert not Unit.objects.filter(code="W1").exists()


def test_a_move_made_on_the_units_page_after_the_check_cannot_make_a_circle(db):
    partnership = PartnershipFactory.create()
    organisation = OrganisationFactory.create(partnership=partnership, slug="trust-a")
    a = UnitFactory.create(organisation=organisation, code="A", name="A")
    b = UnitFactory.create(organisation=organisation, code="B", name="B")
    plan = _plan(HEADER + "trust-a,,,,,A,A,B\n", partnership)
    assert plan.ok, _problems(plan)
    Unit.objects.filter(pk=b.pk).update(parent=a)  # B moved under A meanwhile
    _stale(plan)
    a.refresh_from_db()
    assert a.parent_id is None
