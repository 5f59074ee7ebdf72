"""Benchmark pages: who sees what, what each page says, and what each action changes."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from benchmarks.models import Assessment, AssessmentStatus, EvidenceFile, RequirementAnswer
from benchmarks.services import AnswerInput, criterion_save
from benchmarks.tests import files
from benchmarks.tests.helpers import meet, shipped, signed_off, started, uploaded, version_of
from benchmarks.tests.test_frameworks import sample

pytestmark = pytest.mark.django_db
ORG = "home-org"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args: object) -> str:
    return reverse(name, args=[ORG, *args])


def captured(pattern: str, html: str) -> str:
    """The first group of ``pattern``, which the page must contain."""
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


def checked(html: str, value: str) -> bool:
    return re.search(rf'value="{value}"\s*checked', html) is not None


def criterion_post(assessment, key, version, **answers):
    """A criterion form as the browser sends it: every requirement answered."""
    criterion = shipped(assessment.framework_slug).criterion(key)
    assert criterion is not None, key
    data = {"narrative": "", "links": "", "version": str(version)}
    for requirement in criterion.requirements:
        data[f"answer__{requirement.key}"] = answers.get(
            requirement.key.replace("-", "_"), "not_met"
        )
        data[f"notes__{requirement.key}"] = ""
    return data


# --- Home and frameworks ------------------------------------------------------------------


def test_home_lists_frameworks_and_assessments_for_hr(world):
    done = signed_off(world)
    response = client_for(world.hr_admin).get(url("benchmarks:home"))
    assert response.status_code == 200
    for name in ("Carer Positive", "Carer Confident", "Employers for Carers action list"):
        assert name in response.text
    assert url("benchmarks:assessment_detail", done.pk) in response.text
    assert "Start a self-assessment" in response.text
    # Each framework's own link reads right whatever its name ("a Employers for Carers…" did not).
    assert "Employers for Carers action list: start a self-assessment" in response.text
    assert "a Employers" not in response.text


@pytest.mark.parametrize("persona", ["sponsor", "champion"])
def test_sponsor_and_champion_read_but_are_not_offered_to_start(world, persona):
    response = client_for(getattr(world, persona)).get(url("benchmarks:home"))
    assert response.status_code == 200
    assert "Start a self-assessment" not in response.text


@pytest.mark.parametrize(
    ("persona", "status"), [("carer", 403), ("manager", 403), ("outsider", 404), ("lead", 404)]
)
def test_others_are_refused_the_home_page(world, persona, status):
    assert client_for(getattr(world, persona)).get(url("benchmarks:home")).status_code == status


def test_home_takes_the_same_queries_with_many_assessments(world, django_assert_num_queries):
    client = client_for(world.hr_admin)
    signed_off(world)
    client.get(url("benchmarks:home"))  # warm the session
    with django_assert_num_queries(5) as few:
        client.get(url("benchmarks:home"))
    signed_off(world, "carer-confident", up_to="active")
    started(world, "efc-action-list")
    started(world, based_on=Assessment.objects.get(framework_slug="carer-positive"))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("benchmarks:home"))


def test_home_refuses_post(world):
    assert client_for(world.hr_admin).post(url("benchmarks:home")).status_code == 405


def test_a_sample_framework_in_an_extra_directory_appears_in_the_ui(world, settings, tmp_path):
    directory = tmp_path / "frameworks"
    directory.mkdir()
    (directory / "sample.yaml").write_text(yaml.safe_dump(sample(name="Fair Employer Charter")))
    settings.BENCHMARK_FRAMEWORK_DIRS = [directory]
    client = client_for(world.hr_admin)
    assert "Fair Employer Charter" in client.get(url("benchmarks:home")).text
    page = client.get(url("benchmarks:framework_detail", "sample-scheme"))
    assert page.status_code == 200
    assert "Act on what carers say." in page.text
    response = client.post(url("benchmarks:assessment_start"), {"framework": "sample-scheme"})
    assessment = Assessment.objects.get(framework_slug="sample-scheme")
    assert response["Location"] == url("benchmarks:assessment_detail", assessment.pk)
    assert "Listening to carers" in client.get(response["Location"]).text


def test_unknown_framework_page_is_not_found(world):
    assert (
        client_for(world.hr_admin).get(url("benchmarks:framework_detail", "nothing")).status_code
        == 404
    )


# --- Starting -----------------------------------------------------------------------------


def test_hr_starts_an_assessment_and_it_is_audited(world):
    client = client_for(world.hr_admin)
    assert (
        client.get(url("benchmarks:assessment_start") + "?framework=carer-positive").status_code
        == 200
    )
    response = client.post(url("benchmarks:assessment_start"), {"framework": "carer-positive"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("benchmarks:assessment_detail", assessment.pk)
    assert AuditEvent.objects.filter(
        object_type="benchmarks.assessment", object_id=str(assessment.pk), action="create"
    ).exists()


def test_starting_a_second_draft_shows_the_reason_and_keeps_the_choice(world):
    started(world)
    response = client_for(world.hr_admin).post(
        url("benchmarks:assessment_start"), {"framework": "carer-positive"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "already a draft Carer Positive assessment" in response.text
    assert checked(response.text, "carer-positive")


@pytest.mark.parametrize("persona", ["sponsor", "champion", "carer"])
def test_only_hr_can_start(world, persona):
    client = client_for(getattr(world, persona))
    assert client.get(url("benchmarks:assessment_start")).status_code == 403
    assert (
        client.post(url("benchmarks:assessment_start"), {"framework": "carer-positive"}).status_code
        == 403
    )
    assert not Assessment.objects.exists()


# --- Overview ------------------------------------------------------------------------------


def test_overview_shows_levels_what_is_missing_and_live_evidence(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    criterion_save(
        assessment=assessment,
        criterion_key="identification",
        answers={
            "identification-comfortable": AnswerInput("met"),
            "identification-moments": AnswerInput("partly"),
        },
        expected_version=version_of(assessment, "identification"),
        by=world.hr_admin,
    )
    response = client_for(world.sponsor).get(url("benchmarks:assessment_detail", assessment.pk))
    assert response.status_code == 200
    text = response.text
    assert "<strong data-level>Engaged</strong>" in text
    assert "For Established: 1 of 2 met, 1 partly" in text
    assert "Caring is raised at key moments such as induction" in text
    assert "A private way for staff to say they are carers" in text
    assert "Measured on" in text
    # The sponsor reads; only HR is offered to sign off.
    assert "Sign off this version" not in text
    hr = client_for(world.hr_admin).get(url("benchmarks:assessment_detail", assessment.pk)).text
    assert "Sign off this version" in hr
    assert "Turn the gaps into an action plan" in hr


def test_overview_of_a_checklist_counts_actions_done(world):
    assessment = started(world, "efc-action-list")
    criterion_save(
        assessment=assessment,
        criterion_key="leadership",
        answers={"efc-commitment": AnswerInput("met"), "efc-membership": AnswerInput("partly")},
        expected_version=0,
        by=world.hr_admin,
    )
    text = client_for(world.hr_admin).get(url("benchmarks:assessment_detail", assessment.pk)).text
    assert "1 of 9 met, 1 partly" in text
    assert "Join Employers for Carers." in text


def test_overview_queries_do_not_grow_with_answers_and_files(world, django_assert_num_queries):
    assessment = started(world)
    client = client_for(world.hr_admin)
    client.get(url("benchmarks:assessment_detail", assessment.pk))
    # The support directory's coverage is read once for its four measures on Carer Positive,
    # and Carer Aware's completion once for everyone's figure and the champions' (issue 19);
    # one query for the published policy, and one each for the articles to staff and the
    # forum's case studies.
    with django_assert_num_queries(27) as few:
        client.get(url("benchmarks:assessment_detail", assessment.pk))
    meet(world, assessment, up_to="exemplary")
    uploaded(world, assessment)
    uploaded(
        world, assessment, criterion_key="peer-support", content=files.png(), name="poster.png"
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("benchmarks:assessment_detail", assessment.pk))


def test_another_organisations_assessment_is_not_found(world):
    from benchmarks.services import assessment_start

    theirs = assessment_start(
        organisation=world.other_org, framework_slug="carer-positive", by=world.outsider
    )
    client = client_for(world.hr_admin)
    for name, args in (
        ("benchmarks:assessment_detail", [theirs.pk]),
        ("benchmarks:criterion_detail", [theirs.pk, "policy"]),
        ("benchmarks:assessment_compare", [theirs.pk]),
        ("benchmarks:assessment_pack", [theirs.pk]),
        ("benchmarks:assessment_sign_off", [theirs.pk]),
    ):
        assert client.get(url(name, *args)).status_code == 404, name
    # Through their own organisation's address, a member of ours is not found either.
    other = reverse("benchmarks:assessment_detail", args=[world.other_org.slug, theirs.pk])
    assert client.get(other).status_code == 404


# --- A criterion ---------------------------------------------------------------------------


def test_hr_answers_a_criterion_and_sees_the_level(world):
    assessment = started(world)
    assert (
        'value="Save"'
        in client_for(world.hr_admin)
        .get(url("benchmarks:criterion_detail", assessment.pk, "identification"))
        .text
    )
    data = criterion_post(
        assessment, "identification", 0, identification_definition="met", identification_route="met"
    )
    data["narrative"] = "Our carers page explains who counts."
    data["links"] = "https://intranet.example.org/carers Carers page\n\nhttps://example.org/survey"
    client = client_for(world.hr_admin)
    response = client.post(
        url("benchmarks:criterion_detail", assessment.pk, "identification"), data
    )
    assert response.status_code == 302
    assert response["Location"] == url("benchmarks:assessment_detail", assessment.pk)
    page = client.get(response["Location"])
    assert "Saved “Identification of carers”: it reaches Engaged." in page.text
    evidence = assessment.evidence.get()
    assert evidence.links == [
        {"url": "https://intranet.example.org/carers", "title": "Carers page"},
        {"url": "https://example.org/survey", "title": ""},
    ]
    assert AuditEvent.objects.filter(action="update", object_id=str(assessment.pk)).exists()


def test_a_clashing_save_keeps_what_was_typed_and_says_what_changed(world):
    assessment = started(world)
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput("met")},
        narrative="Written by the other admin",
        expected_version=0,
        by=world.org_admin,
    )
    data = criterion_post(assessment, "policy", 0, policy_recognised="partly")
    data["narrative"] = "My own words"
    response = client_for(world.hr_admin).post(
        url("benchmarks:criterion_detail", assessment.pk, "policy"), data
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert "after you opened it, so your changes have not been saved yet" in text
    assert "is saved as met; you chose partly met." in text
    assert "My own words" in text
    assert 'name="version" value="1"' in text
    assert RequirementAnswer.objects.get().status == "met"


def test_a_bad_link_is_shown_against_the_links_field(world):
    assessment = started(world)
    data = criterion_post(assessment, "policy", 0)
    data["links"] = "javascript:alert(1)"
    response = client_for(world.hr_admin).post(
        url("benchmarks:criterion_detail", assessment.pk, "policy"), data
    )
    assert response.status_code == 200
    assert "is not a web address starting with https://" in response.text
    assert "javascript:alert(1)" in response.text


def test_sponsor_reads_a_criterion_but_cannot_save_it(world):
    assessment = started(world)
    client = client_for(world.sponsor)
    page = client.get(url("benchmarks:criterion_detail", assessment.pk, "policy"))
    assert page.status_code == 200
    assert "<form" not in page.text.split('id="main-content"')[1]
    response = client.post(
        url("benchmarks:criterion_detail", assessment.pk, "policy"),
        criterion_post(assessment, "policy", 0),
    )
    assert response.status_code == 403


def test_unknown_criterion_is_not_found(world):
    assessment = started(world)
    assert (
        client_for(world.hr_admin)
        .get(url("benchmarks:criterion_detail", assessment.pk, "nope"))
        .status_code
        == 404
    )


def test_a_signed_off_criterion_is_read_only(world):
    done = signed_off(world)
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:criterion_detail", done.pk, "policy"))
    assert 'name="version"' not in page.text
    data = criterion_post(done, "policy", 1)
    data["narrative"] = "Typed on a page opened before the sign-off"
    response = client.post(url("benchmarks:criterion_detail", done.pk, "policy"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "can no longer be changed" in response.text
    assert "Typed on a page opened before the sign-off" in response.text
    assert 'value="Save"' not in response.text
    assert RequirementAnswer.objects.filter(assessment=done, status="met").count() == 9


def test_signed_off_while_saving_keeps_what_was_typed(world, monkeypatch):
    from benchmarks.services import assessment_sign_off
    from benchmarks.views import criterion as views

    assessment = started(world)
    real = criterion_save

    def signed_off_first(**kwargs):
        assessment_sign_off(
            assessment=kwargs["assessment"],
            by=world.org_admin,
            today=kwargs["assessment"].started_at.date(),
        )
        return real(**kwargs)

    monkeypatch.setattr(views, "criterion_save", signed_off_first)
    data = criterion_post(assessment, "policy", 0, policy_recognised="met")
    data["narrative"] = "My careful words"
    response = client_for(world.hr_admin).post(
        url("benchmarks:criterion_detail", assessment.pk, "policy"), data
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "has been signed off and can no longer be changed" in response.text
    assert "My careful words" in response.text
    assert checked(response.text, "met")
    assert "Nothing has been saved" in response.text
    assert 'value="Save"' not in response.text
    assert "Upload the file" not in response.text
    assert not RequirementAnswer.objects.exists()


def test_a_draft_whose_framework_was_removed_is_not_offered_for_editing(world, settings, tmp_path):
    directory = tmp_path / "frameworks"
    directory.mkdir()
    (directory / "sample.yaml").write_text(yaml.safe_dump(sample()))
    settings.BENCHMARK_FRAMEWORK_DIRS = [directory]
    assessment = started(world, "sample-scheme")
    settings.BENCHMARK_FRAMEWORK_DIRS = []
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:criterion_detail", assessment.pk, "listening"))
    assert page.status_code == 200
    assert "no longer available on this service" in page.text
    assert 'name="version"' not in page.text
    assert "Upload the file" not in page.text
    data = {
        "answer__ask": "met",
        "notes__ask": "",
        "answer__act": "not_met",
        "notes__act": "",
        "narrative": "Kept for copying",
        "links": "",
        "version": "0",
    }
    response = client.post(url("benchmarks:criterion_detail", assessment.pk, "listening"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "no longer available on this service" in response.text
    assert "Kept for copying" in response.text
    assert not RequirementAnswer.objects.exists()
    sign_off = client.get(url("benchmarks:assessment_sign_off", assessment.pk))
    assert "no longer available on this service" in sign_off.text
    assert 'name="confirm"' not in sign_off.text


# --- Uploads and downloads -----------------------------------------------------------------


def upload(client, assessment, content, name, content_type="application/pdf", **extra):
    return client.post(
        url("benchmarks:evidence_upload", assessment.pk, "policy"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), **extra},
    )


def test_uploading_a_policy_pdf(world):
    assessment = started(world)
    client = client_for(world.hr_admin)
    response = upload(client, assessment, files.pdf(), "Carers policy.pdf", is_carers_policy="on")
    assert response.status_code == 302
    item = EvidenceFile.objects.get()
    assert item.is_carers_policy
    assert default_storage.exists(item.stored_name)
    page = client.get(url("benchmarks:criterion_detail", assessment.pk, "policy"))
    assert "“Carers policy.pdf” uploaded." in page.text
    assert "Yes: “Carers policy.pdf”, uploaded on" in page.text


def test_an_oversized_upload_is_refused_with_the_limit(world, settings, monkeypatch):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    assessment = started(world)

    def not_reached(**kwargs):
        raise AssertionError("an oversized file must be refused before the service")

    monkeypatch.setattr("benchmarks.views.criterion.evidence_upload", not_reached)
    response = upload(client_for(world.hr_admin), assessment, files.pdf() + b" " * 1000, "big.pdf")
    assert response.status_code == 200
    assert "The file must be smaller than 1000" in response.text
    assert not EvidenceFile.objects.exists()


def test_an_upload_to_a_signed_off_assessment_goes_back_to_it_saying_why(world):
    done = signed_off(world)
    client = client_for(world.hr_admin)
    response = upload(client, done, files.pdf(), "Late policy.pdf")
    assert response.status_code == 302
    assert response["Location"] == url("benchmarks:assessment_detail", done.pk)
    assert "can no longer be changed" in client.get(response["Location"]).text
    assert not EvidenceFile.objects.filter(assessment=done, label="Late policy").exists()


def test_a_program_renamed_as_pdf_is_refused(world):
    assessment = started(world)
    response = upload(client_for(world.hr_admin), assessment, files.windows_program(), "policy.pdf")
    assert response.status_code == 200
    assert "The selected file must be a PDF" in response.text
    assert not EvidenceFile.objects.exists()
    assert (
        not default_storage.exists("benchmarks/evidence")
        or not default_storage.listdir("benchmarks/evidence")[1]
    )


def test_a_text_file_sent_as_pdf_is_stored_and_served_as_text(world):
    assessment = started(world)
    client = client_for(world.hr_admin)
    upload(client, assessment, b"<html><script>alert(1)</script></html>", "minutes.pdf")
    item = EvidenceFile.objects.get()
    assert (item.content_type, item.download_name) == ("text/plain", "minutes.txt")
    response = client.get(url("benchmarks:evidence_download", assessment.pk, item.pk))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", ["hr_admin", "sponsor", "champion"])
def test_download_is_an_attachment_with_the_sniffed_type(world, persona):
    assessment = started(world)
    item = uploaded(world, assessment, name="Carers policy.pdf")
    response = client_for(getattr(world, persona)).get(
        url("benchmarks:evidence_download", assessment.pk, item.pk)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Carers policy.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF")  # streamed from storage


def test_download_is_refused_to_staff_and_other_organisations(world):
    assessment = started(world)
    item = uploaded(world, assessment)
    assert (
        client_for(world.carer)
        .get(url("benchmarks:evidence_download", assessment.pk, item.pk))
        .status_code
        == 403
    )
    foreign = reverse(
        "benchmarks:evidence_download", args=[world.other_org.slug, assessment.pk, item.pk]
    )
    assert client_for(world.outsider).get(foreign).status_code == 404
    from benchmarks.services import assessment_start

    theirs = assessment_start(
        organisation=world.other_org, framework_slug="carer-positive", by=world.outsider
    )
    # Our file through their assessment's address: not found.
    mixed = reverse("benchmarks:evidence_download", args=[world.other_org.slug, theirs.pk, item.pk])
    assert client_for(world.outsider).get(mixed).status_code == 404


def test_upload_needs_post_and_hr(world):
    assessment = started(world)
    assert (
        client_for(world.hr_admin)
        .get(url("benchmarks:evidence_upload", assessment.pk, "policy"))
        .status_code
        == 405
    )
    assert upload(client_for(world.champion), assessment, files.pdf(), "p.pdf").status_code == 403


def test_removing_a_file_asks_first(world):
    assessment = started(world)
    item = uploaded(world, assessment)
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:evidence_remove", assessment.pk, item.pk))
    assert "Remove “Carers policy.pdf”?" in page.text
    response = client.post(url("benchmarks:evidence_remove", assessment.pk, item.pk))
    assert response["Location"] == url("benchmarks:criterion_detail", assessment.pk, "policy")
    assert not EvidenceFile.objects.exists()


# --- Sign-off, versions, comparison, pack, deletion -------------------------------------------


def test_sign_off_needs_confirmation_then_fixes_the_version(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:assessment_sign_off", assessment.pk))
    assert "After sign-off nobody can change this version" in page.text
    refused = client.post(
        url("benchmarks:assessment_sign_off", assessment.pk), {"role": "HR Director"}
    )
    assert refused.status_code == 200
    assert "Confirm the answers are accurate to sign off" in refused.text
    assert 'value="HR Director"' in refused.text
    state = captured(r'name="state" value="([0-9a-f]+)"', page.text)
    response = client.post(
        url("benchmarks:assessment_sign_off", assessment.pk),
        {"role": "HR Director", "confirm": "on", "state": state},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED_OFF
    overview = client.get(response["Location"]).text
    assert "Version 1 signed off" in overview
    assert "(HR Director)" in overview
    assert "Start a new version from this one" in overview


def test_sign_off_refuses_what_changed_after_the_page_was_opened(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:assessment_sign_off", assessment.pk)).text
    seen = captured(r'name="state" value="([0-9a-f]+)"', page)
    # Another admin lowers an answer while the page is open.
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        answers={"policy-recognised": AnswerInput("partly")},
        expected_version=None,
        by=world.org_admin,
    )
    response = client.post(
        url("benchmarks:assessment_sign_off", assessment.pk),
        {"role": "HR Director", "confirm": "on", "state": seen},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "changed this assessment after you opened this page" in response.text
    assert 'value="HR Director"' in response.text
    assert "No level yet" in response.text
    fresh = captured(r'name="state" value="([0-9a-f]+)"', response.text)
    assert fresh != seen
    assert not re.search(r'name="confirm"[^>]*checked', response.text)
    assessment.refresh_from_db()
    assert assessment.is_draft
    signed = client.post(
        url("benchmarks:assessment_sign_off", assessment.pk),
        {"role": "HR Director", "confirm": "on", "state": fresh},
    )
    assert signed.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.overall_level) == (AssessmentStatus.SIGNED_OFF, "")


def test_starting_a_new_version_from_a_signed_off_one(world):
    done = signed_off(world)
    response = client_for(world.hr_admin).post(url("benchmarks:assessment_new_version", done.pk))
    new = Assessment.objects.get(number=2)
    assert response["Location"] == url("benchmarks:assessment_detail", new.pk)
    assert new.based_on == done
    assert (
        client_for(world.hr_admin)
        .get(url("benchmarks:assessment_new_version", done.pk))
        .status_code
        == 405
    )


def test_compare_two_versions(world):
    done = signed_off(world)
    second = started(world, based_on=done)
    criterion_save(
        assessment=second,
        criterion_key="peer-support",
        answers={"peer-network": AnswerInput("met"), "peer-informed": AnswerInput("met")},
        expected_version=version_of(second, "peer-support"),
        by=world.hr_admin,
    )
    response = client_for(world.champion).get(url("benchmarks:assessment_compare", second.pk))
    assert response.status_code == 200
    assert "Overall: version 1 reached Engaged; version 2 reaches Engaged." in response.text
    assert "There is a staff carers network or group" in response.text
    assert "Not met → Met" in response.text
    assert (
        client_for(world.hr_admin)
        .get(url("benchmarks:assessment_compare", second.pk) + "?with=999999")
        .status_code
        == 404
    )


def test_the_evidence_pack_is_a_pdf_criterion_by_criterion(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    criterion_save(
        assessment=assessment,
        criterion_key="policy",
        narrative="The policy names carers and their rights.",
        links=[{"url": "https://example.org/policy", "title": "Policy page"}],
        expected_version=version_of(assessment, "policy"),
        by=world.hr_admin,
    )
    uploaded(world, assessment)
    from django.utils import timezone

    from benchmarks.services import assessment_sign_off

    assessment_sign_off(
        assessment=assessment, by=world.hr_admin, today=timezone.localdate(), role="HR Director"
    )
    response = client_for(world.sponsor).get(url("benchmarks:assessment_pack", assessment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Carer Positive: evidence pack",
        "Level claimed: Engaged.",
        "signed off by",
        "HR Director",
        "Identification of carers",
        "The policy names carers and their rights.",
        "Policy page: https://example.org/policy",
        "Carers policy.pdf (carers policy)",
        "Carers policy uploaded:",
        "measured",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="export", object_id=str(assessment.pk)).exists()


def test_a_draft_is_deleted_after_confirmation(world):
    assessment = started(world)
    client = client_for(world.hr_admin)
    assert (
        "Delete draft version 1?"
        in client.get(url("benchmarks:assessment_delete", assessment.pk)).text
    )
    response = client.post(url("benchmarks:assessment_delete", assessment.pk))
    assert response["Location"] == url("benchmarks:home")
    assert not Assessment.objects.exists()


def test_signed_off_while_the_delete_page_was_open(world, monkeypatch):
    from benchmarks.services import assessment_delete, assessment_sign_off
    from benchmarks.views import versions as views

    assessment = started(world)
    real = assessment_delete

    def signed_off_first(**kwargs):
        assessment_sign_off(
            assessment=kwargs["assessment"],
            by=world.org_admin,
            today=kwargs["assessment"].started_at.date(),
        )
        return real(**kwargs)

    monkeypatch.setattr(views, "assessment_delete", signed_off_first)
    client = client_for(world.hr_admin)
    response = client.post(url("benchmarks:assessment_delete", assessment.pk))
    assert response.status_code == 302
    assert response["Location"] == url("benchmarks:assessment_detail", assessment.pk)
    assert "can no longer be changed" in client.get(response["Location"]).text
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_a_signed_off_version_cannot_be_deleted(world):
    done = signed_off(world)
    response = client_for(world.hr_admin).post(url("benchmarks:assessment_delete", done.pk))
    assert response.status_code == 302
    assert Assessment.objects.filter(pk=done.pk).exists()


# --- Gaps into a plan ----------------------------------------------------------------------


def test_plan_page_previews_one_action_per_gap(world):
    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    page = client_for(world.hr_admin).get(url("benchmarks:assessment_plan", assessment.pk))
    assert page.status_code == 200
    assert checked(page.text, "established")
    established = sum(
        1
        for _c, r in __import__("benchmarks.frameworks")
        .frameworks.get_framework("carer-positive")
        .requirements()
        if r.level == "established"
    )
    assert f"{established} actions for the level selected" in page.text


def test_turning_the_gaps_into_an_action_plan(world):
    from plans.models import ActionPoint, OrgPlan

    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    response = client_for(world.hr_admin).post(
        url("benchmarks:assessment_plan", assessment.pk),
        {"target": "established", "title": "Towards Established"},
    )
    plan = OrgPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:org_plan_detail", args=[ORG, plan.pk])
    assert plan.title == "Towards Established"
    actions = ActionPoint.objects.filter(priority__plan=plan)
    assert actions.count() == 10
    action = actions.get(requirement_ref="carer-positive:peer-support:peer-network")
    assert action.criterion_ref == "carer-positive:peer-support"
    assert action.source_assessment_id == assessment.pk


def plan_post(client, assessment, **extra):
    """The plan form as the page sent it, with its hidden and default values."""
    page = client.get(url("benchmarks:assessment_plan", assessment.pk)).text
    data = {
        "target": "established",
        "title": "",
        "seen": captured(r'name="seen" value="(\d+)"', page),
    }
    chosen = re.search(r'name="plan"[^>]*?value="(\w+)"\s*checked', page)
    if chosen:
        data["plan"] = chosen.group(1)
    return {**data, **extra}


def test_sending_the_plan_form_twice_makes_one_plan(world):
    from plans.models import ActionPoint, OrgPlan

    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    client = client_for(world.hr_admin)
    data = plan_post(client, assessment)
    assert "plan" not in data  # no plan yet: a new one, no choice to make
    first = client.post(url("benchmarks:assessment_plan", assessment.pk), data)
    plan = OrgPlan.objects.get()
    assert first["Location"] == reverse("plans:org_plan_detail", args=[ORG, plan.pk])
    again = client.post(url("benchmarks:assessment_plan", assessment.pk), data)
    assert again.status_code == 200
    assert "There is a problem" in again.text
    assert f"The action plan “{plan.title}” was made from these gaps after you opened" in again.text
    assert checked(again.text, str(plan.pk))
    assert f'name="seen" value="{plan.pk}"' in again.text
    assert OrgPlan.objects.count() == 1
    assert ActionPoint.objects.count() == 10


def test_running_it_again_defaults_to_the_plan_made_before_and_adds_only_what_is_new(
    world, django_assert_num_queries
):
    from plans.models import ActionPoint, OrgPlan
    from plans.services import org_plan_create

    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    client = client_for(world.hr_admin)
    client.post(url("benchmarks:assessment_plan", assessment.pk), plan_post(client, assessment))
    made = OrgPlan.objects.get()
    # A newer plan that has nothing to do with this framework is listed but not chosen.
    today = made.period_start
    other = org_plan_create(
        organisation=world.org,
        title="Wellbeing plan",
        period_start=today,
        period_end=today,
        by=world.hr_admin,
    )
    criterion_save(
        assessment=assessment,
        criterion_key="peer-support",
        answers={"peer-network": AnswerInput("met")},
        expected_version=version_of(assessment, "peer-support"),
        by=world.hr_admin,
    )
    page = client.get(url("benchmarks:assessment_plan", assessment.pk)).text
    with CaptureQueriesContext(connection) as few:
        client.get(url("benchmarks:assessment_plan", assessment.pk))
    queries = len(few.captured_queries)
    assert (
        queries < 39
    )  # two for the network measures, four for the directory's, one for the policy, two more
    assert checked(page, str(made.pk))
    assert not checked(page, str(other.pk))
    assert "Wellbeing plan" in page
    assert "A new action plan" in page
    assert "Made from an earlier run of this assessment." in page
    assert "Every one of these gaps already has an open action in it." in page
    assert "Add the actions to the plan" in page

    exemplary = plan_post(client, assessment, target="exemplary")
    response = client.post(url("benchmarks:assessment_plan", assessment.pk), exemplary)
    assert response["Location"] == reverse("plans:org_plan_detail", args=[ORG, made.pk])
    refs = list(ActionPoint.objects.filter(plan=made).values_list("requirement_ref", flat=True))
    assert len(refs) == len(set(refs)) > 10
    assert OrgPlan.objects.count() == 2
    message = client.get(response["Location"]).text
    # The ten Established actions stay open; nine of them are still gaps (one is met now).
    assert f"actions added to “{made.title}”; 9 gaps already had an open action there." in message

    nothing = client.post(url("benchmarks:assessment_plan", assessment.pk), exemplary)
    assert nothing.status_code == 302
    assert "Nothing added to" in client.get(nothing["Location"]).text

    # More plans, more actions: the page reads them in the same number of queries.
    for n in range(3):
        org_plan_create(
            organisation=world.org,
            title=f"Plan {n}",
            period_start=today,
            period_end=today,
            by=world.hr_admin,
        )
    with django_assert_num_queries(queries):
        client.get(url("benchmarks:assessment_plan", assessment.pk))


def test_a_plan_deleted_meanwhile_keeps_the_choices_made(world):
    from plans.models import OrgPlan

    assessment = started(world)
    meet(world, assessment, up_to="engaged")
    client = client_for(world.hr_admin)
    client.post(url("benchmarks:assessment_plan", assessment.pk), plan_post(client, assessment))
    data = plan_post(client, assessment, title="Kept title")
    OrgPlan.objects.all().delete()
    OrgPlan.objects.create(
        organisation=world.org, title="Another", period_start="2026-04-01", period_end="2027-03-31"
    )
    response = client.post(url("benchmarks:assessment_plan", assessment.pk), data)
    assert response.status_code == 200
    assert "That action plan no longer exists" in response.text
    assert 'value="Kept title"' in response.text
    assert OrgPlan.objects.count() == 1


@pytest.mark.parametrize("persona", ["sponsor", "champion"])
def test_only_hr_turns_gaps_into_a_plan(world, persona):
    assessment = started(world)
    assert (
        client_for(getattr(world, persona))
        .get(url("benchmarks:assessment_plan", assessment.pk))
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("hr_admin", True),
        ("org_admin", True),
        ("sponsor", True),
        ("champion", True),
        ("carer", False),
    ],
)
def test_the_organisation_home_page_links_to_benchmarks_for_those_who_may_see_them(
    world, persona, shown
):
    page = client_for(getattr(world, persona)).get(reverse("organisations:home", args=[ORG]))
    assert page.status_code == 200
    assert (page.text.count(url("benchmarks:home")) == 1) is shown


def test_a_checklist_plans_every_action_not_done(world):
    from plans.models import ActionPoint

    assessment = started(world, "efc-action-list")
    client = client_for(world.hr_admin)
    page = client.get(url("benchmarks:assessment_plan", assessment.pk))
    assert "Every action not done yet" in page.text
    assert "Employers for Carers action list: actions to complete" in page.text
    client.post(url("benchmarks:assessment_plan", assessment.pk), {"target": "done", "title": ""})
    assert ActionPoint.objects.count() == 9
