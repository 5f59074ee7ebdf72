"""A property-based fuzz of the API from its own OpenAPI document (schemathesis on Hypothesis).

Every operation gets generated requests, valid and invalid, through the real Django application
in-process, with a real token: an organisation token of an HR and organisation admin with data
behind every route, or the carer's personal token for the passport and personal plan routes.
Most requests name real objects in their path; the rest keep the generated ids. Each answer
must not be a server error, must be documented for the operation, and must match its schema.

Marked ``fuzz``; runs in the PostgreSQL pass of the suite and skips itself on any other
database. Deterministic: a fixed seed, a bounded number of examples, no example database, a
fixed clock, and every request rolled back so that one cannot change what the next one meets.
How to run it and what it leaves out: docs/api.md, "How the API is fuzzed".
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
import time_machine
from django.conf import settings
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.core.mutations import OperatorKind
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.specs.openapi.checks import negative_data_rejection

from api.tests.fuzz_world import FuzzWorld, build, token_for
from carershub.tests.personas import World
from carershub.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    # Before the document is loaded: on SQLite the module costs nothing.
    pytest.skip("The API fuzz runs in the PostgreSQL pass", allow_module_level=True)

#: Fixed, so every run sends the same requests; FUZZ_SEED and FUZZ_EXAMPLES explore further
#: on a developer's machine (docs/api.md).
SEED = int(os.environ.get("FUZZ_SEED", "20260601"))
#: Generated examples per operation, on top of schemathesis's boundary cases.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CLOCK = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
#: What every answer is held to. Left out: ``positive_data_acceptance``, since the rules
#: rightly refuse much that the schema allows (a taken staff number, too little notice: 422).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
)

config = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "database": "none",
            # The real token comes from the provider below, never a generated one.
            "with-security-parameters": False,
        },
        "checks": {
            "enabled": False,
            **{name: {"enabled": True} for name in CHECKS},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)

INTEGER = re.compile(r"-?\d+")


@schema.auth(refresh_interval=None)
class _Tokens:
    """The token for each request: schemathesis knows it as real, and checks that the same
    request without it, or with a made-up one, is refused."""

    def get(self, case: Any, context: Any) -> str:
        return token_for(context.operation.path)

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    with time_machine.travel(CLOCK):
        yield


@pytest.fixture
def fuzz_world(world: World) -> Iterator[FuzzWorld]:
    """The world, once per operation; Django's test client keeps the test's database
    connection open across requests, and so must a direct WSGI call."""
    built = build(world)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield built
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _only_wrongly_typed(case: Any) -> bool:
    """Whether the request breaks its schema only by giving a value of the wrong type.

    The API reads input the way Pydantic does by default: a number of seconds is taken as a
    date, true and false as 1 and 0, and a body of null as {}. That leniency is known (README,
    "Known limits"), so such a request may be accepted; any other schema-breaking request (too
    long, out of range, not one of the values, missing) must be refused.
    """
    meta = case.meta
    if meta is None:
        return False
    data = meta.phase.data
    if isinstance(data, CoveragePhaseData):
        return data.scenario is CoverageScenario.INCORRECT_TYPE
    mutations = getattr(data, "mutations", ())
    return bool(mutations) and all(m.operator is OperatorKind.CHANGE_TYPE for m in mutations)


def _pick(case: Any) -> int:
    """A number fixed by the request's content, so a case always goes to the same place."""
    seen = repr((case.query, case.body, sorted((case.path_parameters or {}).items())))
    return zlib.crc32(seen.encode("utf-8", "surrogatepass"))


def _is_id(value: Any) -> bool:
    if isinstance(value, str):
        return INTEGER.fullmatch(value) is not None
    return isinstance(value, int) and not isinstance(value, bool)


def _with_real_ids(values: Any, real: dict[str, Any], *, all_or_none: bool) -> Any:
    """``values`` with each id that has the right type replaced by the real one of that name.
    A wrongly typed id stays, to be refused; in a path, either every id is replaced or none."""
    if not isinstance(values, dict):
        return values
    names = [name for name in values if name in real]
    fits = [name for name in names if _is_id(values[name]) or not name.endswith(("_id", "number"))]
    if all_or_none and fits != names:
        return values
    return {**values, **{name: real[name] for name in fits}}


def _point_at_real_objects(case: Any, world: FuzzWorld) -> None:
    """Three cases in four name real objects: in the path, in the query and in the body."""
    pick = _pick(case)
    if pick % 4 == 0:
        return
    real = world.real_ids(case.operation.path, pick // 4)
    if not real:
        return
    if case.path_parameters:
        case.path_parameters = _with_real_ids(case.path_parameters, real, all_or_none=True)
    if case.query:
        case.query = _with_real_ids(case.query, real, all_or_none=False)
    if isinstance(case.body, dict):
        case.body = _with_real_ids(case.body, real, all_or_none=False)


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case: Any, fuzz_world: FuzzWorld) -> None:
    _point_at_real_objects(case, fuzz_world)
    lenient = [negative_data_rejection] if _only_wrongly_typed(case) else []
    with transaction.atomic():
        case.call_and_validate(excluded_checks=lenient)
        transaction.set_rollback(True)
