from organisations.models import StaffRecord
from organisations.tests.factories import StaffRecordFactory


def test_a_lead_sees_member_headcounts_with_small_numbers_hidden(client, world):
    # Home Trust has 3 staff in the personas (fewer than 5); Other Council gets 12 more.
    for _ in range(11):
        StaffRecordFactory(organisation=world.other_org)
    client.force_login(world.lead)
    response = client.get(f"/p/{world.org.partnership.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Home Trust" in html
    assert "Other Council" in html
    # Home Trust's 3 is hidden; Other Council's 12 is hidden too, or the total would reveal it.
    assert html.count("fewer than 5") == 2
    assert "15" in html
    assert StaffRecord.objects.count() == 15


def test_a_lead_with_no_organisation_lands_on_the_partnership_page(client, world):
    client.force_login(world.lead)
    response = client.get("/")
    assert response["Location"] == f"/p/{world.org.partnership.slug}/"


def test_the_partnership_page_never_names_staff(client, world):
    client.force_login(world.lead)
    html = client.get(f"/p/{world.org.partnership.slug}/").content.decode()
    assert world.carer_record.last_name not in html
