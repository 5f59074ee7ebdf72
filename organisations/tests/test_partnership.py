from organisations.models import StaffRecord
from organisations.tests.factories import StaffRecordFactory


def test_a_lead_sees_member_headcounts_with_small_numbers_hidden(client, world):
    # Home Trust has 3 staff in the personas (fewer than 5); Other Council gets 12 more.
    for _ in range(11):
        StaffRecordFactory.create(organisation=world.other_org)
    client.force_login(world.lead)
    response = client.get(f"/p/{world.org.partnership.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Home Trust" in html
    assert "Other Council" in html
    # Home Trust's 3 is hidden; Other Council's 12 is hidden too, or the total would reveal it.
    assert html.count("fewer than 5") == 2
    assert "15" in html  # in post only: the leaver is not counted
    assert StaffRecord.objects.count() == 16


def test_a_lead_with_no_organisation_lands_on_the_partnership_page(client, world):
    client.force_login(world.lead)
    response = client.get("/")
    assert response["Location"] == f"/p/{world.org.partnership.slug}/"


def test_the_partnership_page_never_names_staff(client, world):
    client.force_login(world.lead)
    html = client.get(f"/p/{world.org.partnership.slug}/").content.decode()
    assert world.carer_record.last_name not in html


def test_appointing_a_lead_asks_a_signed_in_user_for_mfa_on_the_next_page(client, world):
    from audit.models import Channel
    from organisations.services import partnership_lead_appoint

    client.force_login(world.carer)
    assert client.get(f"/o/{world.org.slug}/").status_code == 200
    partnership_lead_appoint(
        user=world.carer, partnership=world.org.partnership, by=None, channel=Channel.COMMAND
    )
    assert client.get(f"/o/{world.org.slug}/")["Location"].startswith(
        "/accounts/2fa/totp/activate/"
    )


def test_invite_them_fills_in_the_staff_number_and_email(client, world):
    client.force_login(world.hr_admin)
    html = client.get(
        f"/o/{world.org.slug}/invite/", {"staff_number": "C001", "email": "x@example.org"}
    ).content.decode()
    assert 'value="C001"' in html
    assert 'value="x@example.org"' in html
