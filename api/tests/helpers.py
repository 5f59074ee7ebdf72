from __future__ import annotations

from typing import Any, Protocol

API = "/api/v1"


class ApiResponse(Protocol):
    """The parts of a test client's response that the API checks read."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    def __getitem__(self, header: str) -> str: ...

    def json(self) -> Any: ...


def assert_problem(response: ApiResponse, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and stable ``code``; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body
