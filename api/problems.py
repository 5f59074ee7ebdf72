"""Every API error is an RFC 9457 problem details document with a stable ``code``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.auth import WrongTokenKind
from shared.writes import EditConflict, RuleError

CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)


class ApiProblem(Exception):
    def __init__(self, status: int, code: str, title: str, detail: str = "") -> None:
        super().__init__(detail or title)
        self.status, self.code, self.title, self.detail = status, code, title, detail


def problem_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = CONTENT_TYPE
    return response


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(
            api, request, status=exc.status, code=exc.code, title=exc.title, detail=exc.detail
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = problem_response(
            api,
            request,
            status=401,
            code="not_authenticated",
            title="Authentication required",
            detail="Send a valid token as 'Authorization: Bearer <token>'.",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(api, request, status=404, code="not_found", title="Not found")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, WrongTokenKind):
            personal = exc.personal_needed
            return problem_response(
                api,
                request,
                status=403,
                code="personal_token_required" if personal else "organisation_token_required",
                title="This route needs another kind of token",
                detail=(
                    "A person's own records are read only with a personal token they made "
                    "themselves; an organisation's token never reads them."
                    if personal
                    else "A personal token reaches only its owner's own records."
                ),
            )
        return problem_response(
            api,
            request,
            status=403,
            code="forbidden",
            title="Not allowed",
            detail="The token's owner does not have a role that allows this.",
        )

    @api.exception_handler(NinjaValidationError)
    def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return problem_response(
            api,
            request,
            status=422,
            code="invalid_request",
            title="The request is not valid",
            errors=errors,
        )

    @api.exception_handler(DjangoValidationError)
    def _invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem_response(
            api,
            request,
            status=422,
            code="invalid_data",
            title="The data is not valid",
            errors=_django_errors(exc),
        )

    @api.exception_handler(RuleError)
    def _rule(request: HttpRequest, exc: RuleError) -> HttpResponse:
        return problem_response(
            api, request, status=exc.status, code=exc.code, title=exc.title, detail=exc.message
        )

    @api.exception_handler(DataError)
    def _unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value the database cannot hold (a NUL character, a number out of range).
        return problem_response(
            api,
            request,
            status=422,
            code="invalid_data",
            title="A value cannot be stored",
            detail="A value is out of range or contains characters that cannot be stored.",
        )

    @api.exception_handler(EditConflict)
    def _conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        # Who changed what is for the page's reader; the API says only that it changed.
        return problem_response(
            api,
            request,
            status=409,
            code="edit_conflict",
            title="The record has changed",
            detail="Someone changed this record after the version you sent. Fetch it again and retry.",
        )

    @api.exception_handler(IntegrityError)
    def _clash(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # The services validate before saving, so this is another write that got in between
        # (two requests adding the same staff number at once). Logged in case it is a bug, by
        # its kind only: the database's words quote the row (a staff number, an email).
        logger.warning("API write refused by the database (%s)", type(exc).__name__)
        return problem_response(
            api,
            request,
            status=409,
            code="conflict",
            title="The change clashes with another made at the same time",
            detail="Fetch the data again and retry.",
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Django Ninja raises 400 for a body that is not JSON at all.
        code = "invalid_request" if exc.status_code == 400 else "http_error"
        return problem_response(api, request, status=exc.status_code, code=code, title=str(exc))
