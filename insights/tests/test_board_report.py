"""The board report PDF and the partnership's levels and commitments: shown to those who may
see the figures only, never a count from 1 to 4, and read in a constant number of queries
whatever the size of the partnership."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from benchmarks.frameworks import get_framework
from benchmarks.models import Assessment, AssessmentStatus, RequirementAnswer
from benchmarks.public import positions_for, positions_of
from carershub.tests.awkward_text import CONTROLS, MARKUP
from carershub.tests.pdfs import NAMES, assert_accessible, assert_prints_every_name
from carershub.tests.personas import World
from commitments.models import CommitmentVersion, LeadershipCommitment, VersionStatus
from insights.changes import changes_between
from insights.figures import organisation_report, previous_report
from insights.selectors import month_before
from insights.services import take_all_snapshots, take_snapshot
from insights.tests.test_figures import staff
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, UnitFactory
from plans.models import ProgressEntry, Rag
from plans.public import org_plan_rag
from plans.services import ActionInput, action_create
from plans.tests.helpers import first_priority, strategy_plan

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world: World) -> str:
    return reverse("insights:board_report", kwargs={"org_slug": world.org.slug})


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def figures(world):
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2")
    small = UnitFactory.create(organisation=world.org, code="W3", name="Ward Three")
    staff(world.org, ward, 40, carers=12)
    staff(world.org, small, 10, carers=2)
    return world


def assessment(org: Organisation, *, signed: bool, level: str = "engaged") -> Assessment:
    framework = get_framework("carer-positive")
    assert framework is not None
    return Assessment.objects.create(
        organisation=org,
        framework_slug=framework.slug,
        number=1,
        status=AssessmentStatus.SIGNED_OFF if signed else AssessmentStatus.DRAFT,
        started_by_name="Someone",
        signed_off_by_name="Someone" if signed else "",
        signed_off_at=timezone.now() if signed else None,
        framework_data=dict(framework.data),
        framework_hash=framework.content_hash,
        overall_level=level if signed else "",
    )


def commitment(org: Organisation, name: str) -> CommitmentVersion:
    now = timezone.now()
    return CommitmentVersion.objects.create(
        commitment=LeadershipCommitment.objects.create(organisation=org),
        number=1,
        text="We will support carers.",
        status=VersionStatus.PUBLISHED,
        signed_by_name=name,
        signed_by_role="Chief Executive",
        signed_on=timezone.localdate(),
        signed_at=now,
        published_at=now,
    )


# --- The PDF ------------------------------------------------------------------------------


def test_the_board_report_opens_with_the_headline_figures_and_no_small_count(figures):
    response = signed_in(figures.hr_admin).get(url(figures))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="board-report-home-org-')
    assert disposition.endswith('.pdf"')
    text = pdf_text(response.content)
    report = organisation_report(organisation=figures.org, today=timezone.localdate())
    assert "Home Trust" in text
    assert "board report" in text
    assert report.carers.carers.shown
    assert report.carers.carers.label in text
    assert report.carers.staff.label in text
    assert "Headline figures" in text
    # The small ward's carers are hidden: its lines say so, and carry no count from 1 to 4.
    assert "fewer than 5" in text
    lines = [line.strip() for line in text.splitlines()]
    assert not [line for line in lines if re.fullmatch(r"[1-4]", line)]
    # Each bar and each table row is a line: the ward's name, then its cells.
    rows = [line for line in lines if line.startswith("Ward Three ")]
    assert len(rows) >= 4  # two charts (by site, by unit), each with its bars and its table
    for row in rows:
        assert "fewer than 5" in row
        cells = row.removeprefix("Ward Three ").replace("fewer than 5", "")
        assert not re.search(r"(?<![\d,.])[1-4](?![\d,.%])", cells), row
    # Every chart is drawn with its table.
    assert "Carers by unit" in text
    assert "Carers counted, month by month" in text


def test_no_previous_month_is_said_and_a_previous_month_is_compared(figures):
    text = pdf_text(signed_in(figures.hr_admin).get(url(figures)).content)
    assert "no figures for last month" in text

    today = timezone.localdate()
    # Last month's figures, taken then (before 20 more people joined this month's count).
    from insights.models import Snapshot

    Snapshot.objects.filter(organisation=figures.org).delete()
    take_snapshot(organisation=figures.org, today=month_before(today.replace(day=1)))
    staff(figures.org, None, 20, carers=10)
    text = pdf_text(signed_in(figures.hr_admin).get(url(figures)).content)
    assert "Changes since last month" in text
    assert "no figures for last month" not in text
    assert "up 10" in text  # carers counted: 10 more, both months shown


def test_changes_use_shown_figures_only(figures):
    today = timezone.localdate()
    now = organisation_report(organisation=figures.org, today=today)
    assert previous_report(organisation=figures.org, month=now.month) is None
    changes = {change.key: change for change in changes_between(now, now)}
    assert changes["carers"].change == "no change"
    # A figure hidden in either month makes no difference to show.
    overdue = changes.get("review_overdue")
    if overdue is not None:
        assert overdue.change in ("no change",) or overdue.change.startswith("not shown")


def test_the_board_report_carries_the_benchmark_position_and_the_plan_rag(figures):
    assessment(figures.org, signed=True, level="established")
    plan, action = strategy_plan(figures)
    ProgressEntry.objects.create(
        action=action, period="2026/27", text="Going well", rag=Rag.AMBER, by_name="HR"
    )
    ProgressEntry.objects.create(
        action=action, period="2026/27", text="Slipping", rag=Rag.RED, by_name="HR"
    )
    action_create(
        priority=first_priority(plan),
        data=ActionInput(
            number="2.1.2",
            planned_action="A second action",
            what_we_will_do="",
            risks="",
            owner=None,
            due_on=date(2027, 3, 31),
        ),
        by=figures.hr_admin,
    )
    rag = org_plan_rag(organisation=figures.org, today=date(2026, 12, 6))
    assert rag is not None
    assert (rag.red, rag.amber, rag.green, rag.not_reported, rag.done) == (1, 0, 0, 1, 0)

    text = pdf_text(signed_in(figures.sponsor).get(url(figures)).content)
    assert "Benchmark position" in text
    assert "Established (signed off)" in text
    assert "Carer Confident" in text
    assert "Not assessed" in text
    assert "Carers' strategy action plan" in text
    assert "Red: off track" in text


def test_the_board_report_is_tagged_and_prints_any_organisation_name(figures):
    Organisation.objects.filter(pk=figures.org.pk).update(
        name=f"{' '.join(NAMES)} {MARKUP}{CONTROLS}"
    )
    content = signed_in(figures.hr_admin).get(url(figures)).content
    assert_accessible(content)
    assert_prints_every_name(content)
    assert "<b>bold</b> <i>unclosed &" in pdf_text(content)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("hr_admin", True),
        ("sponsor", True),
        ("carer", False),
        ("manager", False),
        ("champion", False),
        ("outsider", False),
        ("leaver", False),
    ],
)
def test_who_may_download_the_board_report(figures, persona, allowed):
    response = signed_in(getattr(figures, persona)).get(url(figures))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
        assert not response.content.startswith(b"%PDF")


def test_signed_out_is_sent_to_sign_in(figures):
    response = Client().get(url(figures))
    assert response.status_code == 302


def test_the_figures_page_links_to_the_board_report(figures):
    page = signed_in(figures.hr_admin).get(
        reverse("insights:figures", kwargs={"org_slug": figures.org.slug})
    )
    assert url(figures) in page.content.decode()
    assert "Download the board report (PDF)" in page.content.decode()


# --- Benchmark positions ------------------------------------------------------------------


def test_positions_prefer_the_newest_signed_off_assessment(world):
    signed = assessment(world.org, signed=True, level="engaged")
    draft = assessment(world.other_org, signed=False)
    framework = get_framework("carer-positive")
    assert framework is not None
    # The other organisation's draft meets nothing yet.
    RequirementAnswer.objects.create(
        assessment=draft,
        criterion_key=framework.criteria[0].key,
        requirement_key=framework.criteria[0].requirements[0].key,
        status="met",
    )
    Assessment.objects.create(
        organisation=world.org,
        framework_slug="carer-positive",
        number=2,
        status=AssessmentStatus.DRAFT,
        started_by_name="Someone",
        framework_data=dict(framework.data),
        framework_hash=framework.content_hash,
    )
    mine = {p.framework_slug: p for p in positions_of(organisation=world.org)}
    assert mine["carer-positive"].signed_off
    assert mine["carer-positive"].version == signed.number
    assert mine["carer-positive"].level == framework.level_name("engaged")
    theirs = {p.framework_slug: p for p in positions_for([world.other_org])[world.other_org.pk]}
    assert not theirs["carer-positive"].signed_off
    assert "draft" in theirs["carer-positive"].describe
    assert not theirs["carer-confident"].assessed


# --- The partnership's page ---------------------------------------------------------------


def _partnership_page(world: World) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = signed_in(world.lead).get(
            reverse("insights:partnership", kwargs={"slug": world.partnership.slug})
        )
    assert page.status_code == 200
    return page.content.decode(), len(queries)


def _member(world: World, n: int) -> Organisation:
    org = OrganisationFactory.create(partnership=world.partnership, name=f"Member {n}")
    assessment(org, signed=n % 2 == 0)
    commitment(org, f"Signer {n}")
    return org


def test_partnership_page_shows_levels_and_commitments_in_constant_queries(world):
    assessment(world.org, signed=True, level="exemplary")
    # A draft too, so both sizes read a draft's answers (one query, for all of them).
    assessment(world.other_org, signed=False)
    commitment(world.org, "Pat Chair")
    take_all_snapshots()
    html, two = _partnership_page(world)
    assert 'data-table="levels"' in html
    assert "Exemplary (signed off)" in html
    assert 'data-table="commitments"' in html
    assert "Pat Chair" in html
    assert "Other Council" in html
    assert 'data-label="Carer Positive"' in html

    for n in range(4):
        _member(world, n)
    take_all_snapshots()
    html, six = _partnership_page(world)
    assert "Member 3" in html
    assert "Signer 3" in html
    assert six == two


def test_partnership_page_is_the_leads_only(world):
    for persona in ("hr_admin", "sponsor", "carer"):
        response = signed_in(getattr(world, persona)).get(
            reverse("insights:partnership", kwargs={"slug": world.partnership.slug})
        )
        assert response.status_code in (403, 404)


def test_positions_for_many_organisations_take_two_queries(world, django_assert_num_queries):
    members = [world.org, world.other_org]
    members += [_member(world, n) for n in range(4)]
    with django_assert_num_queries(2):
        positions = positions_for(members)
    assert set(positions) == {member.pk for member in members}
    assert all(len(found) == len(positions[world.org.pk]) for found in positions.values())
