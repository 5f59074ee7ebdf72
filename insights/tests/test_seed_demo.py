from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from insights.figures import organisation_report
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_trust_has_figures_to_show() -> None:
    call_command("seed_demo", stdout=StringIO())
    trust = Organisation.objects.get(slug="eastbrook-hospitals")
    report = organisation_report(organisation=trust, today=timezone.localdate())
    assert report.carers.carers.shown
    assert (report.carers.carers.value or 0) >= 50
    assert any(line.row.carers.shown and line.row.carers.value for line in report.by_unit)
