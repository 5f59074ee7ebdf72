"""The OpenAPI document is what integrators build against, so it must be valid and complete."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern
from ninja import Schema
from openapi_spec_validator import validate

from api.endpoints import router
from api.tests.helpers import API
from benchmarks.api import router as benchmarks_router
from carershub.api import api
from commitments.api import router as commitments_router
from communications.api import router as communications_router
from credentials.api import router as credentials_router
from forum.api import router as forum_router
from insights.api import router as insights_router
from learning.api import router as learning_router
from leave.api import router as leave_router
from networks.api import router as networks_router
from passports.api import router as passports_router
from plans.api import router as plans_router
from policies.api import router as policies_router
from signposting.api import router as signposting_router

pytestmark = pytest.mark.django_db

#: Every router mounted on the API, with its prefix.
ROUTERS = (
    ("", router),
    ("/leave", leave_router),
    ("/credentials", credentials_router),
    ("/passports", passports_router),
    ("/benchmarks", benchmarks_router),
    ("/plans", plans_router),
    ("/commitments", commitments_router),
    ("/learning", learning_router),
    ("/networks", networks_router),
    ("/signposting", signposting_router),
    ("/forum", forum_router),
    ("/policies", policies_router),
    ("/communications", communications_router),
    ("/insights", insights_router),
)

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _url_paths() -> set[str]:
    """OpenAPI-style paths of every URL pattern the API mounts, read from Django's resolver."""
    patterns, _app_name, _namespace = api.urls
    paths = set()
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in {"openapi-json", "api-root"}:
            continue
        paths.add(API + "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern)))
    return paths


def _registered_operations() -> set[tuple[str, str]]:
    """(method, path) of every operation registered on the API's router."""
    return {
        (method.lower(), API + prefix + path)
        for prefix, mounted in ROUTERS
        for path, path_view in mounted.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    }


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_openapi_document_is_served_without_a_token_and_is_valid_openapi_3(
    document: dict[str, Any],
) -> None:
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Working Carers Hub API"


def test_every_api_route_appears_in_the_openapi_document(document: dict[str, Any]) -> None:
    described = {(method, path) for method, path, _ in _operations(document)}

    # Sizes are checked so that a sweep finding nothing cannot pass.
    assert len(_url_paths()) >= 5
    assert _url_paths() == {path for _method, path in described}
    assert len(_registered_operations()) >= 9
    assert _registered_operations() == described


def test_every_operation_requires_the_bearer_token(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    for method, path, operation in _operations(document):
        assert operation.get("security") == [{"BearerToken": []}], (method, path)


def test_every_operation_documents_its_errors_as_problem_details(
    document: dict[str, Any],
) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        expected = {"401", "403", "422"} | ({"400", "409"} if method != "get" else set())
        assert expected <= set(responses), (method, path)
        for status, response in responses.items():
            if int(status) < 400:
                continue
            assert set(response["content"]) == {"application/problem+json"}, (method, path)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}


def test_staff_status_filter_lists_its_allowed_values(document: dict[str, Any]) -> None:
    parameters = document["paths"][f"{API}/staff"]["get"]["parameters"]
    status = next(p for p in parameters if p["name"] == "status")
    assert {"$ref": "#/components/schemas/StaffStatus"} in status["schema"]["anyOf"]
    assert document["components"]["schemas"]["StaffStatus"]["enum"] == ["active", "left"]


def _schema_classes() -> Iterator[type[Schema]]:
    pending: list[type[Schema]] = list(Schema.__subclasses__())
    while pending:
        found = pending.pop()
        pending.extend(found.__subclasses__())
        yield found


def test_every_schema_has_a_name_of_its_own() -> None:
    """The document keys its schemas by class name, so of two classes with one name only one is
    described, and answers of the other are checked against the wrong shape."""
    assert api.urls  # every router, and so every schema class, is imported
    places: dict[str, set[str]] = defaultdict(set)
    for found in _schema_classes():
        module = found.__module__
        if module.startswith(("ninja.", "pydantic.")) or ".tests." in module:
            continue
        places[found.__name__].add(f"{module}.{found.__qualname__}")
    assert len(places) >= 50
    assert {name: where for name, where in places.items() if len(where) > 1} == {}
