"""Any text a person can type or paste never breaks a page, a document or an export.

A corpus of awkward text (right-to-left marks and overrides, combining marks, emoji sequences,
Welsh and Vietnamese letters, CJK, a spreadsheet formula, HTML and template syntax, a word of
10,000 letters) is typed into every free-text field of every form the permission matrix's pages
show, as each persona who may open them; then every page and download of the matrix is opened
and must answer without a server error, with the markup escaped and every file readable by a
standard parser. Control characters are sent too and must be refused or removed, never stored.
Forms, pages and downloads are found, not listed, so a new one joins the sweep by itself.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from carershub.tests.roundtrip import forms_on
from carershub.tests.test_permission_matrix import MATRIX, _targets
from carershub.tests.test_round_trip import EDIT, PAGES, _url_name

CORPUS = {
    # A right-to-left override, marks, and Hebrew and Arabic words in isolates.
    "bidi": "abc\u202etxt.exe\u202c \u200f\u05e9\u05dc\u05d5\u05dd\u200e "
    "\u2067\u0645\u0631\u062d\u0628\u0627\u2069",
    "combining": "cafe\u0301 Z\u0351\u0352\u0353\u0354",
    "emoji": "👩\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈",
    "welsh": "Gwŵr ŷd Ŵyn",
    "vietnamese": "Nguyễn Thị Ánh",
    "cjk": "汉字 かな 한국어",
    "formula": '=HYPERLINK("http://evil.example","x")',
    "markup": "<script>alert(1)</script> {{ secret }} {% debug %} &amp; </p>",
}
HOSTILE = " ".join(CORPUS.values()) + " " + "W" * 10_000
CONTROLS = "A\x01B\x0bC\x1bD\x7fE\x85F ok"
#: Characters that must never be stored (the input rule removes or refuses them).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(world: Any, persona: str) -> Client:
    client = Client()
    client.force_login(world.persona(persona))
    return client


def _fill_every_form(world: Any, persona: str, paths: dict[str, str], text: str) -> list[str]:
    """Type ``text`` into every free-text field of every edit or add form the persona's pages
    show, and send each; return the forms sent."""
    sent = []
    client = _client(world, persona)
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for form in forms_on(response.content.decode()):
            if form.method != "post" or not form.free_text:
                continue
            for button, data in form.presses():
                action = _url_name(form.action, path) + (f"[{button}]" if button else "")
                if action not in EDIT:
                    continue
                for field, limit in form.free_text.items():
                    data[field] = [text[:limit] if limit else text]
                posted = client.post(form.action or path, data)
                assert posted.status_code < 500, f"{path} -> {action}: {posted.status_code}"
                sent.append(f"{name} -> {action}")
    return sent


def _check_output(path: str, response: Any) -> None:
    """The answer is no server error, and whatever it is, a standard reader can read it."""
    assert response.status_code < 500, f"{path} answered {response.status_code}"
    if response.status_code != 200:
        return
    kind = response["Content-Type"].split(";")[0]
    # A stored file (evidence) is streamed from the store, as a server sends it.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "text/html":
        html = body.decode()
        assert "<script>alert(1)</script>" not in html, f"{path} shows typed markup unescaped"
    elif kind == "application/pdf":
        reader = PdfReader(io.BytesIO(body))
        "".join(page.extract_text() or "" for page in reader.pages)
    elif kind == SPREADSHEET:
        openpyxl.load_workbook(io.BytesIO(body), read_only=True).close()
    elif kind == "text/csv":
        list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    elif kind == "text/calendar":
        Calendar.from_ical(body)
    elif kind == "application/json":
        json.loads(body)


def _read_everything(world: Any, everyone: dict[str, dict[str, str]]) -> None:
    """Open every page and download once, as the first persona who may; report every one that
    broke. (Who reads changes which parts show, not how stored text is written out.)"""
    broken, read = [], set()
    for reader, pages in everyone.items():
        client = _client(world, reader)
        for path in pages.values():
            if path in read:
                continue
            read.add(path)
            try:
                _check_output(path, client.get(path))
            except Exception as error:
                broken.append(f"{reader} {path}: {type(error).__name__}: {str(error)[:200]}")
    assert not broken, "\n".join(broken)


def _pages_of(persona: str, targets: Any) -> dict[str, str]:
    return {
        name: reverse(name, kwargs=MATRIX[name].kwargs(targets))
        for name, who in PAGES
        if who == persona
    }


PERSONAS = sorted({persona for _name, persona in PAGES} - {"lead"})


def test_awkward_text_typed_into_every_form_breaks_no_page_or_download(world, settings, tmp_path):
    targets = _targets(world, world.org, settings, tmp_path)
    # Addresses first: what the forms add must not change which objects the pages are about.
    everyone = {persona: _pages_of(persona, targets) for persona in PERSONAS}
    for persona, pages in everyone.items():
        assert _fill_every_form(world, persona, pages, HOSTILE), f"no free text as {persona}"
    # What was stored is now read back by everyone who may see it, on pages and in files.
    _read_everything(world, everyone)


def _stored_text() -> list[tuple[str, str, Any, str]]:
    """Every stored string of every text column: (model, column, pk, value)."""
    found = []
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        if not columns or model._meta.label_lower == "audit.auditevent":
            continue
        for row in model._base_manager.values_list("pk", *columns):
            for column, value in zip(columns, row[1:], strict=True):
                if isinstance(value, str):
                    found.append((model._meta.label_lower, column, row[0], value))
    return found


def test_control_characters_typed_into_any_form_are_never_stored(world, settings, tmp_path):
    targets = _targets(world, world.org, settings, tmp_path)
    everyone = {persona: _pages_of(persona, targets) for persona in PERSONAS}
    for persona, pages in everyone.items():
        _fill_every_form(world, persona, pages, CONTROLS)
    stored = [
        (model, column, pk)
        for model, column, pk, value in _stored_text()
        if FORBIDDEN.search(value) or value != unicodedata.normalize("NFC", value)
    ]
    assert not stored, f"control characters or unnormalised text stored in {stored}"


def _hostile_body(value: Any, text: str) -> Any:
    """The matrix's own request body with every string in it replaced by ``text``."""
    if isinstance(value, str):
        return text
    if isinstance(value, dict):
        return {key: _hostile_body(item, text) for key, item in value.items()}
    if isinstance(value, list):
        return [_hostile_body(item, text) for item in value]
    return value


#: API writes with a body the matrix knows to be valid, and who may make each.
API_WRITES = [
    (
        name,
        next(
            p
            for p in ("hr_admin", "org_admin", "carer", "manager")
            if spec.expected.get(p) in (200, 201, 204)
        ),
    )
    for name, spec in MATRIX.items()
    if spec.api
    and spec.method in ("POST", "PATCH", "PUT")
    and spec.data
    and any(
        spec.expected.get(p) in (200, 201, 204)
        for p in ("hr_admin", "org_admin", "carer", "manager")
    )
]
API_READS = [name for name, spec in MATRIX.items() if spec.api and spec.method == "GET"]


@pytest.mark.parametrize(("name", "persona"), API_WRITES)
@pytest.mark.parametrize("text", [HOSTILE[:200], CONTROLS], ids=["awkward", "controls"])
def test_awkward_text_sent_to_every_api_write_breaks_nothing(
    world, settings, tmp_path, name, persona, text
):
    from carershub.tests.test_permission_matrix import _client_and_token

    spec = MATRIX[name]
    targets = _targets(world, world.org, settings, tmp_path)
    client, token = _client_and_token(world, persona, spec)
    headers = {"Authorization": f"Bearer {token}"}
    path = reverse(name, kwargs=spec.kwargs(targets))
    response = client.generic(
        spec.method,
        path,
        json.dumps(_hostile_body(spec.data, text)),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code < 500, f"{spec.method} {path}: {response.status_code}"
    for read in API_READS:
        read_spec = MATRIX[read]
        if read_spec.expected.get(persona) != 200:
            continue
        read_path = reverse(read, kwargs=read_spec.kwargs(targets))
        answer = client.get(read_path, headers=headers)
        _check_output(read_path, answer)
    stored = [
        (model, column, pk)
        for model, column, pk, value in _stored_text()
        if FORBIDDEN.search(value)
    ]
    assert not stored, f"{name} stored control characters in {stored}"


#: Columns left alone when planting text: what addresses and looks rows up (slugs, numbers,
#: codes, keys), and columns limited to a list of choices.
NOT_PLANTED = re.compile(
    r"slug|email|hash|token|key|kid|number|code|url|path|status|kind|role|password|secret|salt"
)


def _plant(text: str) -> int:
    """Write ``text`` straight into every free-text column of every stored row, as old rows or
    another way in might have it, past every check at the door. Returns the columns written."""
    written = 0
    for model in apps.get_models():
        label = model._meta.label_lower
        if label.split(".")[0] not in {
            "organisations",
            "passports",
            "leave",
            "plans",
            "commitments",
            "benchmarks",
            "credentials",
            "accounts",
        }:
            continue
        columns = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not NOT_PLANTED.search(f.name)
            and (isinstance(f, models.TextField) or (f.max_length or 0) >= 40)
        ]
        for column in columns:
            value = text[: column.max_length] if column.max_length else text
            written += model._base_manager.update(**{column.attname: value}) and 1
    return written


def test_text_already_stored_with_control_characters_still_shows_everywhere(
    world, settings, tmp_path
):
    """Rows from before the rule at the door, or written another way, must not break any page
    or file: each output copes with any stored text on its own."""
    targets = _targets(world, world.org, settings, tmp_path)
    everyone = {reader: _pages_of(reader, targets) for reader in PERSONAS}
    assert _plant(CONTROLS + " " + HOSTILE) > 20
    _read_everything(world, everyone)
