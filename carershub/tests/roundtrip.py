"""What a browser would send for each form on a page, and a snapshot of everything stored.

Shared by the round-trip sweep (``test_round_trip.py``), which submits every edit form exactly
as the page shows it and checks that nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import models

TEXT_TYPES = {"text", "hidden", "email", "number", "date", "search", "tel", "url", "password"}


@dataclass
class Form:
    method: str
    action: str
    #: What the browser sends besides the button pressed, in document order.
    data: list[tuple[str, str]] = field(default_factory=list)
    #: Each submit button as (name, value); a button without a name sends nothing.
    buttons: list[tuple[str, str]] = field(default_factory=list)
    #: Where a person types free text: field name and its ``maxlength`` (None if unlimited).
    free_text: dict[str, int | None] = field(default_factory=dict)

    def presses(self) -> list[tuple[str, dict[str, list[str]]]]:
        """For each distinct button, what pressing it sends, named after the button when it
        has a name that says what it does ("" for a plain submit)."""
        out = []
        for name, value in self.buttons or [("", "")]:
            data: dict[str, list[str]] = {}
            for key, item in [*self.data, *([(name, value)] if name else [])]:
                data.setdefault(key, []).append(item)
            out.append((name if name not in ("", "submit") else "", data))
        return out


def _maxlength(attrs: dict[str, str]) -> int | None:
    value = attrs.get("maxlength", "")
    return int(value) if value.isdigit() else None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: tuple[str | None, list[str], bool] | None = None
        #: A <form> was opened inside another: invalid HTML that browsers quietly repair.
        self.nested = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            if self._form is not None:
                # Browsers ignore a form inside a form, so its fields go to the outer one.
                self.nested = True
                return
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a and name:
                    form.data.append((name, a.get("value", "on")))
            elif kind == "file" or not name:
                return
            elif kind in TEXT_TYPES or kind not in ("button", "reset"):
                form.data.append((name, a.get("value", "")))
                if kind in ("text", "search"):
                    form.free_text[name] = _maxlength(a)
        elif tag == "button":
            kind = a.get("type", "submit").lower()
            if kind == "submit":
                form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
            form.free_text[name] = _maxlength(a)
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), [], "selected" in a)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # Browsers drop one newline straight after the opening tag.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form.data.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, pieces, selected = self._option
            self._select[2].append(
                (value if value is not None else "".join(pieces).strip(), selected)
            )
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self._form.data.extend((name, value) for value in chosen)
            self._select = None


class NestedFormError(AssertionError):
    pass


def forms_on(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    if parser.nested:
        raise NestedFormError("a <form> inside another <form>: browsers drop the inner one")
    return parser.forms


#: Rows that may change when a page is merely used: sessions, and the log of who read what
#: (checked separately: an unchanged submit may add reads, never writes).
IGNORED_MODELS = {"sessions.session", "audit.auditevent", "api.apitoken"}


def snapshot() -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every stored row of every model, by model and primary key."""
    result: dict[str, dict[Any, tuple[Any, ...]]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS or model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        manager: models.Manager[Any] = model._base_manager
        result[label] = {row[0]: row for row in manager.order_by("pk").values_list("pk", *names)}
    return result


def differences(
    before: dict[str, dict[Any, tuple[Any, ...]]], after: dict[str, dict[Any, tuple[Any, ...]]]
) -> list[str]:
    found = []
    for label, rows in after.items():
        old = before.get(label, {})
        for pk in rows.keys() - old.keys():
            found.append(f"{label} {pk} added")
        for pk in old.keys() - rows.keys():
            found.append(f"{label} {pk} removed")
        for pk in rows.keys() & old.keys():
            if rows[pk] != old[pk]:
                found.append(f"{label} {pk} changed: {old[pk]} -> {rows[pk]}")
    return found
