from __future__ import annotations

from typing import Any

from django.http import HttpResponse

API = "/api/v1"


def assert_problem(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and stable ``code``; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body
