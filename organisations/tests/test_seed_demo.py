from io import StringIO

from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.models import User
from organisations.demo import demo_totp_secret
from organisations.models import Organisation, StaffRecord


def test_seed_demo_builds_three_employers_and_one_login_per_role_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence file, not into the real var/media
    out = StringIO()
    call_command("seed_demo", stdout=out)
    sizes = {
        o.slug: StaffRecord.objects.filter(organisation=o).count()
        for o in Organisation.objects.all()
    }
    assert 600 <= sizes["eastbrook-hospitals"] <= 620
    assert 300 <= sizes["eastbrook-council"] <= 310
    assert 25 <= sizes["glenbrae-carers"] <= 30
    assert {o.nation for o in Organisation.objects.all()} == {"england", "scotland"}
    hr = User.objects.get(email="hr@demo.carershub.test")
    assert Authenticator.objects.filter(user=hr, type="totp").exists()
    assert demo_totp_secret(hr.email) in out.getvalue()
    carer = StaffRecord.objects.get(user__email="carer@demo.carershub.test")
    manager = carer.line_manager
    assert manager is not None
    assert manager.user is not None
    assert manager.user.email == "manager@demo.carershub.test"

    call_command("seed_demo", stdout=StringIO())
    assert StaffRecord.objects.count() == sum(sizes.values())
