from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from api import problems
from api.auth import BearerToken
from api.endpoints import router
from benchmarks.api import router as benchmarks_router
from commitments.api import router as commitments_router
from credentials.api import router as credentials_router
from leave.api import router as leave_router
from passports.api import router as passports_router
from plans.api import router as plans_router


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class ObjectParser(Parser):
    """Read a request body as a JSON object, or ``null`` where a body may be left out.

    Django Ninja reads anything else field by field as if it were an object, so a body of
    ``"AAA"`` became a title of "Aaa" (``str.title``) and a list became a change of nothing.
    A body that is not an object is refused as unreadable: 400 ``invalid_request``.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_no_constant)
        if data is not None and not isinstance(data, dict):
            raise ValueError("The body must be a JSON object")
        return data


class CarersHubAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Describe errors with the media type they are sent with, so clients can trust it."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema


api = CarersHubAPI(
    title="Working Carers Hub API",
    version="1",
    description=(
        "For HR-system integration. Authenticate with 'Authorization: Bearer <token>'; "
        "a token acts for one person in one organisation. Errors are RFC 9457 problem details "
        "(media type application/problem+json) with a stable 'code'."
    ),
    # Each route names its own permission (``endpoints.needs``); one that forgets is closed.
    auth=BearerToken("api.route_without_a_permission"),
    docs_url=None,
    urls_namespace="api-v1",
    parser=ObjectParser(),
)
problems.install(api)
api.add_router("/", router)
api.add_router("/leave", leave_router)
api.add_router("/credentials", credentials_router)
api.add_router("/passports", passports_router)
api.add_router("/benchmarks", benchmarks_router)
api.add_router("/plans", plans_router)
api.add_router("/commitments", commitments_router)
