"""The staff import applies the text rule (shared/text.py) to every cell it reads, as
for a single line but strictly: what is not text is a problem with the row, never quietly
removed, since that could turn one staff number into another's (docs/staff-import.md)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import StaffImport, StaffRecord
from organisations.services import staff_import_stage
from organisations.staff_import import apply_import, plan_import
from organisations.tests.factories import OrganisationFactory
from organisations.tests.test_staff_import import csv_file


@pytest.fixture
def org(db):
    return OrganisationFactory.create(slug="trust")


@pytest.mark.parametrize(
    ("char", "code_point", "hint"),
    [
        ("\x01", "U+0001", "save the file again as plain text"),
        ("\x1b", "U+001B", "save the file again as plain text"),
        ("\x7f", "U+007F", "save the file again as plain text"),
        ("\x9b", "U+009B", "save the file again as plain text"),
        ("\u202e", "U+202E", "remove it from the file"),
        ("\uffff", "U+FFFF", "remove it from the file"),
    ],
)
def test_a_cell_with_a_character_that_is_not_text_is_a_problem_with_its_row(
    org, char, code_point, hint
):
    plan = plan_import(organisation=org, upload=csv_file(f"1001,Am{char}ina,Khan,,,,,,"))
    assert [(error.line, error.column) for error in plan.errors] == [(2, "First Name")]
    message = plan.errors[0].message
    assert code_point in message
    assert message.endswith(hint)
    assert plan.counts()["add"] == 0


def test_tabs_and_line_breaks_inside_a_cell_become_spaces(org):
    plan = apply_import(
        organisation=org, upload=csv_file('1001,"Amina\tJane","Khan\r\nAli",,,,,,'), by=None
    )
    assert plan.ok, plan.errors
    record = StaffRecord.objects.get(organisation=org, staff_number="1001")
    assert (record.first_name, record.last_name) == ("Amina Jane", "Khan Ali")


def test_names_and_staff_numbers_are_stored_composed_so_a_decomposed_file_matches(org):
    StaffRecord.objects.create(
        organisation=org, staff_number="SIÂN1", first_name="Siân", last_name="Ŵyn"
    )
    plan = apply_import(
        organisation=org, upload=csv_file("SIA\u0302N1,Sia\u0302n,W\u0302yn,,,,,,"), by=None
    )
    assert plan.ok, plan.errors
    assert plan.counts()["add"] == 0
    assert plan.counts()["unchanged"] == 1
    assert StaffRecord.objects.filter(organisation=org).count() == 1


def test_text_of_any_language_is_imported_as_it_is(org):
    plan = apply_import(
        organisation=org,
        upload=csv_file(
            "1001,Nguyễn,Thị Minh,,,,,,", "1002,田中,さくら,,,,,,", "1003,رعاية\u200f,Lee,,,,,,"
        ),
        by=None,
    )
    assert plan.ok, plan.errors
    assert list(
        StaffRecord.objects.filter(organisation=org)
        .order_by("staff_number")
        .values_list("first_name", flat=True)
    ) == ["Nguyễn", "田中", "رعاية\u200f"]


def test_the_uploaded_file_name_is_kept_clean(org, world):
    upload = SimpleUploadedFile(
        "C:\\HR\\staff\u202etxt.csv\x00", b"Staff Number,First Name,Last Name\n1,A,B\n"
    )
    job, plan = staff_import_stage(
        organisation=org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
    )
    assert plan.ok, plan.errors
    assert StaffImport.objects.get(pk=job.pk).file_name == "stafftxt.csv"
