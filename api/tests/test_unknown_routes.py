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
