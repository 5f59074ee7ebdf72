"""``manage.py create_api_token EMAIL [--organisation SLUG] [--name NAME]``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from api.models import ApiToken
from api.tests.helpers import API
from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from organisations.models import Role
from organisations.tests.factories import MembershipFactory


def _run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_prints_only_a_working_token_so_it_can_be_piped(world: World) -> None:
    output = _run("hr@example.org")

    secret = output.strip()
    assert output == secret + "\n"
    assert secret.startswith("wch_")
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get(f"{API}/organisation")
    assert response.json()["slug"] == "home-org"


def test_token_is_for_the_persons_only_organisation_and_audited_as_a_command(
    world: World,
) -> None:
    _run("hr@example.org", "--name", "Nightly HR sync")

    token = ApiToken.objects.get()
    assert (token.user, token.organisation, token.name) == (
        world.hr_admin,
        world.org,
        "Nightly HR sync",
    )
    event = AuditEvent.objects.get(object_type="api.apitoken", object_id=token.pk)
    assert event.channel == Channel.COMMAND


def test_email_is_matched_whatever_its_case(world: World) -> None:
    _run("HR@Example.ORG")

    assert ApiToken.objects.get().user == world.hr_admin


def test_organisation_admin_may_have_a_token(world: World) -> None:
    _run("admin@example.org")

    assert ApiToken.objects.get().user == world.org_admin


def test_someone_in_several_organisations_must_choose_one(world: World) -> None:
    MembershipFactory.create(user=world.hr_admin, organisation=world.other_org, role=Role.HR_ADMIN)

    with pytest.raises(CommandError, match="--organisation") as error:
        _run("hr@example.org")

    assert "home-org" in str(error.value)
    assert "other-org" in str(error.value)
    assert not ApiToken.objects.exists()


def test_organisation_option_picks_which_organisation_the_token_is_for(world: World) -> None:
    MembershipFactory.create(user=world.hr_admin, organisation=world.other_org, role=Role.HR_ADMIN)

    _run("hr@example.org", "--organisation", "other-org")

    assert ApiToken.objects.get().organisation == world.other_org


def test_refuses_an_organisation_the_person_does_not_belong_to(world: World) -> None:
    with pytest.raises(CommandError, match="home-org"):
        _run("outsider@example.org", "--organisation", "home-org")

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "carer@example.org",
        "manager@example.org",
        "champion@example.org",
        "sponsor@example.org",
    ],
)
def test_refuses_someone_who_is_not_hr_or_an_organisation_admin(world: World, email: str) -> None:
    with pytest.raises(CommandError, match="HR admin or organisation admin"):
        _run(email)

    assert not ApiToken.objects.exists()


def test_refuses_an_hr_admin_elsewhere_for_an_organisation_where_they_are_only_staff(
    world: World,
) -> None:
    MembershipFactory.create(user=world.outsider, organisation=world.org, role=Role.EMPLOYEE)

    with pytest.raises(CommandError, match="HR admin or organisation admin"):
        _run("outsider@example.org", "--organisation", "home-org")


def test_refuses_someone_who_belongs_to_no_organisation(world: World) -> None:
    with pytest.raises(CommandError, match="does not belong to any organisation"):
        _run("lead@example.org")


def test_refuses_an_unknown_or_deactivated_account(world: World) -> None:
    with pytest.raises(CommandError, match="No active account"):
        _run("nobody@example.org")

    world.hr_admin.is_active = False
    world.hr_admin.save()
    with pytest.raises(CommandError, match="No active account"):
        _run("hr@example.org")


def test_the_token_name_follows_the_text_rule(world: World) -> None:
    _run("hr@example.org", "--name", "Nightly\tHR\x00 sync")

    assert ApiToken.objects.get().name == "Nightly HR sync"


def test_a_token_name_that_is_not_text_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="broken character"):
        _run("hr@example.org", "--name", "Nightly \udcff sync")
    assert not ApiToken.objects.exists()
