from io import StringIO

from django.core.management import call_command

from learning.models import ModuleProgress


def test_the_demo_carer_is_half_way_through_carer_aware_and_the_manager_passed(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence file, not into the real var/media
    call_command("seed_demo", stdout=StringIO())
    carer = ModuleProgress.objects.get(user__email="carer@demo.carershub.test")
    assert len(carer.lessons_done) == 2
    assert carer.completed_at is None
    manager = ModuleProgress.objects.get(user__email="manager@demo.carershub.test")
    assert manager.passed_attempt is not None
    assert manager.passed_attempt.passed
