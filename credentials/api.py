"""Credential verification for HR systems: the same check the pages use.

A credential that fails verification is an answer, not an error: 200 with ``valid: false``
and a stable ``reason``. Only a request body that is not ``{"credential": "<string>"}``
is a 422 problem.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from api.auth import BearerToken
from api.schemas import Problem
from credentials.verification import MESSAGES, verify_credential
from organisations.types import OrgRequest
from shared.text import SingleLine

router = Router(tags=["credentials"])
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
}


class VerifyIn(Schema):
    credential: SingleLine = Field(
        min_length=1, description="A credential secured as a compact JWS (VC-JOSE-COSE)."
    )


class VerifyOut(Schema):
    valid: bool
    reason: str = Field(description="Stable code: " + ", ".join(sorted(MESSAGES)) + ".")
    message: str
    issuer: str | None
    issuer_name: str | None
    kid: str | None
    credential: dict[str, Any] | None = Field(
        description="The verified credential when valid; null otherwise."
    )


@router.post(
    "/verify",
    auth=BearerToken("credentials.verify"),
    response={200: VerifyOut, **WRITE_ERRORS},
)
def credentials_verify(request: OrgRequest, payload: VerifyIn) -> VerifyOut:
    """Check a credential against the keys the token's organisation trusts."""
    result = verify_credential(payload.credential, receiving_organisation=request.organisation)
    return VerifyOut(
        valid=result.valid,
        reason=result.reason,
        message=result.message,
        issuer=result.issuer,
        issuer_name=result.issuer_name,
        kid=result.kid,
        credential=result.credential,
    )
