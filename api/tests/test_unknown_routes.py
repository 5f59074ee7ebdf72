import pytest


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/", "/api/v2/staff"])
def test_unknown_api_routes_are_problem_details(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_a_wrong_method_is_a_problem_document_with_allow(client, db):
    response = client.delete("/api/v1/staff")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_pages_outside_the_api_keep_their_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_values_the_database_cannot_hold_are_422_problems(client, world):
    from api.services import api_token_create
    from audit.models import Channel

    secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="t", channel=Channel.WEB
    )[1]
    auth = {"Authorization": f"Bearer {secret}"}
    response = client.get("/api/v1/staff?page=999999999999999999999", headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    response = client.get("/api/v1/staff", {"q": "a\x00b"}, headers=auth)
    assert response.status_code == 200


def test_repeating_the_same_patch_changes_nothing(client, world):
    from api.services import api_token_create
    from audit.models import Channel

    secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="t", channel=Channel.WEB
    )[1]
    auth = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/staff/{world.carer_record.pk}"
    first = client.patch(
        url, {"days_per_week": "4"}, content_type="application/json", headers=auth
    ).json()
    second = client.patch(
        url, {"days_per_week": "4"}, content_type="application/json", headers=auth
    ).json()
    assert first["version"] == second["version"]
