"""Every string an API client sends follows the text rule (shared/text.py).

The sweep walks every operation of the API, finds every string in what it takes (body and
query, nested schemas, lists and dictionary keys included) and sends it a control
character: a single line must come back without it, several lines must be refused. Path
parameters are left out: they only find things, and are never stored.
"""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Annotated, Any, get_args, get_origin

import pytest
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from api.schemas import UnitIn
from api.tests.helpers import API, assert_problem
from carershub.api import api
from organisations.models import StaffRecord, Unit
from plans.models import OrgPlan, Priority


def _inputs():
    """(operation, model) for every body and query an operation takes."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    if model.__ninja_param_source__ == "path":
                        continue
                    methods = "/".join(operation.methods)
                    yield f"{methods} {prefix.rstrip('/')}{path}", model


def _strings(annotation: Any, metadata: list[Any], where: str):
    """(where, type) for every string inside ``annotation``, with its validators."""
    origin = get_origin(annotation)
    if annotation is str:
        yield where, Annotated[str, *metadata] if metadata else str
    elif origin is Annotated:
        base, *extra = get_args(annotation)
        yield from _strings(base, [*extra, *metadata], where)
    elif origin in (typing.Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                yield from _strings(arg, metadata, where)
    elif origin in (list, tuple, set, frozenset):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                yield from _strings(arg, [], f"{where}[]")
    elif origin is dict:
        key, value = get_args(annotation)
        yield from _strings(key, [], f"{where}{{key}}")
        yield from _strings(value, [], f"{where}{{}}")
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _model_strings(annotation, where)
    elif origin is typing.Literal or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    ):
        return  # only its own values are accepted


def _model_strings(model: type[BaseModel], where: str):
    for name, field in model.model_fields.items():
        yield from _strings(field.annotation, list(field.metadata), f"{where}.{name}")


def _every_string():
    found = {}
    for operation, model in _inputs():
        for where, kind in _model_strings(model, operation):
            found[where] = kind
    return found


STRINGS = _every_string()


def test_the_sweep_finds_strings_in_bodies_queries_lists_and_keys():
    assert len(STRINGS) > 60
    assert "POST /staff.payload.first_name" in STRINGS
    assert "GET /staff.filters.q" in STRINGS
    assert "POST /plans/org.payload.periods[]" in STRINGS
    assert (
        "PATCH /benchmarks/assessments/{assessment_id}/criteria/{criterion_key}.payload.answers{key}"
        in STRINGS
    )
    assert (
        "PATCH /benchmarks/assessments/{assessment_id}/criteria/{criterion_key}.payload.links[].title"
        in STRINGS
    )


@pytest.mark.parametrize("where", sorted(STRINGS))
def test_every_string_an_api_client_sends_loses_or_is_refused_a_control_character(where):
    adapter = TypeAdapter(STRINGS[where])
    refused: dict[str, Any] | None = None
    try:
        kept = adapter.validate_python("ok\x1bok")
    except PydanticValidationError as error:
        kept, refused = None, dict(error.errors()[0])
    if refused is None:
        assert kept == "okok", f"{where} keeps a control character: use SingleLine or MultiLine"
    else:
        assert refused["type"] == "text_rule", where
        assert "U+001B" in refused["msg"]


def _json(client, method: str, path: str, body: dict[str, Any]):
    return client.generic(method, f"{API}{path}", json.dumps(body), content_type="application/json")


def test_a_single_line_sent_with_word_line_breaks_and_controls_is_stored_clean(hr_api, world):
    response = _json(
        hr_api,
        "POST",
        "/staff",
        {"staff_number": "TXT\x001", "first_name": "Ann\x0bMarie", "last_name": "Lee\x1b[0m"},
    )
    assert response.status_code == 201, response.content
    record = StaffRecord.objects.get(pk=response.json()["id"])
    assert (record.staff_number, record.first_name, record.last_name) == (
        "TXT1",
        "Ann Marie",
        "Lee[0m",
    )


def test_a_text_sent_with_a_control_character_is_a_422_naming_the_field(hr_api, world):
    plan = OrgPlan.objects.create(
        organisation=world.org, title="Plan", period_start="2026-04-01", period_end="2027-03-31"
    )
    response = _json(
        hr_api,
        "POST",
        f"/plans/org/{plan.pk}/priorities",
        {"title": "Identify carers", "aim": "Everyone knows.\r\nNobody is\x01 missed."},
    )
    body = assert_problem(response, 422, "invalid_request")
    assert body["errors"] == [
        {
            "field": "body.payload.aim",
            "message": "The text has a hidden control character (U+0001) on line 2 that cannot "
            "be shown or printed. Retype that line.",
        }
    ]
    assert not Priority.objects.filter(plan=plan).exists()


def test_line_breaks_in_a_text_are_stored_as_line_feeds_and_composed(hr_api, world):
    plan = OrgPlan.objects.create(
        organisation=world.org, title="Plan", period_start="2026-04-01", period_end="2027-03-31"
    )
    response = _json(
        hr_api,
        "POST",
        f"/plans/org/{plan.pk}/priorities",
        {"title": "Cymorth i ofalwyr", "aim": "Gwe\u0302ld pawb.\r\nAil\u2028linell"},
    )
    assert response.status_code == 201, response.content
    assert Priority.objects.get(plan=plan).aim == "Gwêld pawb.\nAil\nlinell"


def test_a_lone_surrogate_escaped_in_json_is_a_422_not_a_server_error(hr_api, world):
    response = hr_api.post(
        f"{API}/units",
        '{"code": "U1", "name": "Ward \\ud800 one"}',
        content_type="application/json",
    )
    body = assert_problem(response, 422, "invalid_request")
    assert body["errors"][0]["field"] == "body.payload.name"
    assert "broken character (U+D800)" in body["errors"][0]["message"]
    assert not Unit.objects.filter(code="U1").exists()


def test_a_length_limit_counts_what_was_sent_before_controls_are_removed(hr_api, world):
    """The schema's maxLength is about the string sent: one over it is refused even when a
    control character in it would have been removed (schemathesis found this)."""
    limit = next(
        m.max_length for m in UnitIn.model_fields["code"].metadata if hasattr(m, "max_length")
    )
    sent = "\x18" + "U" * limit
    response = hr_api.post(
        f"{API}/units", {"code": sent, "name": "Ward"}, content_type="application/json"
    )
    body = assert_problem(response, 422, "invalid_request")
    assert body["errors"][0]["field"] == "body.payload.code"
    assert not Unit.objects.filter(name="Ward").exists()
    response = hr_api.post(
        f"{API}/units", {"code": sent[:-1], "name": "Ward"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["code"] == "U" * (limit - 1)


def test_a_search_with_a_control_character_finds_what_it_would_without_it(hr_api, world):
    number = world.carer_record.staff_number
    response = hr_api.get(f"{API}/staff", {"q": f"{number[:1]}\x1b{number[1:]}"})
    assert response.status_code == 200
    assert [row["staff_number"] for row in response.json()["items"]] == [number]
