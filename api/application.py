"""The API's application class: how bodies are read and how errors are described.

The site layer (``carershub/api.py``) makes the one instance and mounts every app's router.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from api import problems


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


_TOO_MANY: dict[str, Any] = {
    "description": "Too many requests: wait the seconds Retry-After gives, then try again.",
    "headers": {
        "Retry-After": {
            "description": "Seconds until the caller's rate-limit window ends.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class CarersHubAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Describe errors with the media type they are sent with, so clients can trust it."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                # Every route is rate limited (api.rate_limits).
                operation.setdefault("responses", {})["429"] = _TOO_MANY
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema
