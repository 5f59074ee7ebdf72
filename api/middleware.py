"""API callers get problem details for every error, including routes the API does not have.

django-ninja answers unknown paths and wrong methods with Django's plain responses;
this turns those into RFC 9457 documents like every other API error.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from api.problems import CONTENT_TYPE

API_PREFIX = "/api/"
_PLAIN = {
    404: ("not_found", "Not found", "There is no such API route. See /api/v1/openapi.json."),
    405: ("method_not_allowed", "Method not allowed", "This route does not accept that method."),
}


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in _PLAIN
            and not response.get("Content-Type", "").startswith(("application/json", CONTENT_TYPE))
        ):
            code, title, detail = _PLAIN[response.status_code]
            body = {
                "type": "about:blank",
                "title": title,
                "status": response.status_code,
                "detail": detail,
                "code": code,
            }
            problem = HttpResponse(
                json.dumps(body), status=response.status_code, content_type=CONTENT_TYPE
            )
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            return problem
        return response
