from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from api import problems
from api.auth import BearerToken
from api.endpoints import router
from benchmarks.api import router as benchmarks_router
from commitments.api import router as commitments_router
from credentials.api import router as credentials_router
from leave.api import router as leave_router
from passports.api import router as passports_router
from plans.api import router as plans_router


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
)
problems.install(api)
api.add_router("/", router)
api.add_router("/leave", leave_router)
api.add_router("/credentials", credentials_router)
api.add_router("/passports", passports_router)
api.add_router("/benchmarks", benchmarks_router)
api.add_router("/plans", plans_router)
api.add_router("/commitments", commitments_router)
