from io import StringIO

from django.core.management import call_command

from benchmarks.models import Assessment, AssessmentStatus, EvidenceFile


def test_demo_has_a_signed_off_and_a_draft_carer_positive_assessment(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    first, second = Assessment.objects.filter(organisation__slug="eastbrook-hospitals").order_by(
        "number"
    )
    assert (first.status, first.overall_level) == (AssessmentStatus.SIGNED_OFF, "engaged")
    assert (second.status, second.based_on) == (AssessmentStatus.DRAFT, first)
    assert EvidenceFile.objects.filter(assessment=second, is_carers_policy=True).exists()
