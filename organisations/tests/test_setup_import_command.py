"""`manage.py import_organisations`: a check by default, the same plan applied with --apply."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from organisations.models import Organisation, Unit
from organisations.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "organisation-setup.csv"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_organisations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_without_apply_it_only_says_what_it_would_do():
    partnership = PartnershipFactory.create(slug="northfield")
    out = _run(str(EXAMPLE), "--partnership", partnership.slug)
    assert "Would set up: 3 organisations created" in out
    assert "new organisation northfield-hospice: St Anne's Hospice" in out
    assert "Nothing was written" in out
    assert not Organisation.objects.exists()


def test_with_apply_it_sets_everything_up_and_a_second_run_changes_nothing():
    partnership = PartnershipFactory.create(slug="northfield")
    out = _run(str(EXAMPLE), "--partnership", partnership.slug, "--apply")
    assert "Set up: 3 organisations created" in out
    assert Unit.objects.filter(organisation__partnership=partnership).count() == 8
    summary = AuditEvent.objects.get(object_type="organisations.partnership")
    assert summary.channel == "command"
    assert summary.actor is None
    again = _run(str(EXAMPLE), "--partnership", partnership.slug, "--apply")
    assert (
        "0 organisations created, 0 renamed, 3 unchanged; 0 units created, 0 changed, 8 unchanged"
        in again
    )


def test_a_bad_file_lists_its_problems_and_writes_nothing(tmp_path):
    partnership = PartnershipFactory.create(slug="northfield")
    bad = tmp_path / "bad.csv"
    bad.write_text("Organisation Short Name,Organisation Name\nBad Slug,A\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command(
            "import_organisations", str(bad), "--partnership", "northfield", "--apply", stderr=err
        )
    assert "line 2, Organisation Short Name: must be lower-case letters" in err.getvalue()
    assert not Organisation.objects.filter(partnership=partnership).exists()


def test_an_unknown_partnership_is_refused():
    with pytest.raises(CommandError, match="No partnership"):
        _run(str(EXAMPLE), "--partnership", "nowhere")
