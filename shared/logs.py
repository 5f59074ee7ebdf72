"""Log lines that say which request they belong to, and nothing about the people in it.

Every line written while a request is served, or while a task it queued runs, carries the
request's id (``request_id``), so one search finds everything a request caused, on any machine.
The id comes from the ``X-Request-ID`` header when a proxy in front set a safe one, and is made
here otherwise; the response sends it back (``shared.middleware``). Tasks carry it in a keyword
argument of their own (``shared.queue.task``).

What a line may say is narrow on purpose (trust rule 11): a route's name rather than its path
(a calendar feed's path is its secret), an exception's type and stack rather than its words
(a database error quotes the row it refused), and only the extra fields listed here.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from shared.env import ConfigError

REQUEST_ID_HEADER = "X-Request-ID"
#: Where the middleware leaves the id on the request, for the lines Django writes about a
#: request after the middleware has returned ("Not Found: …").
REQUEST_ID_META = "carershub.request_id"
#: What a proxy's request id may look like to be kept: long enough to be unique, short and
#: plain enough to be safe in a header, a log line and a search box.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_route: ContextVar[str | None] = ContextVar("route", default=None)

#: Exceptions whose words describe the machine (a refused connection, a missing setting),
#: never a person; every other exception is reported by its type alone.
PLAIN_SPOKEN_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    OperationalError,
    InterfaceError,
    sqlite3.OperationalError,
    ImproperlyConfigured,
    ConfigError,
    ImportError,
)
#: The same for the database driver's and Redis's own errors, named by module so that
#: logging (which every process sets up first) does not import psycopg and redis: together
#: almost half a second of every command's start-up. Neither can raise before it is loaded.
_PLAIN_SPOKEN_IF_LOADED = (
    ("psycopg", ("OperationalError",)),
    ("redis.exceptions", ("ConnectionError", "TimeoutError")),
)


def is_plain_spoken(exc: BaseException) -> bool:
    """Whether the exception's words describe the machine, never a person
    (``PLAIN_SPOKEN_ERRORS``, and the database driver's and Redis's connection errors)."""
    if isinstance(exc, PLAIN_SPOKEN_ERRORS):
        return True
    for module_name, names in _PLAIN_SPOKEN_IF_LOADED:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        # With a default: a module another thread is still importing may lack them yet.
        kinds = tuple(k for n in names if isinstance(k := getattr(module, n, None), type))
        if kinds and isinstance(exc, kinds):
            return True
    return False


WITHHELD = "[message withheld: it may quote personal data]"

#: The fields a JSON line may have; anything else a library adds to a record is dropped.
JSON_FIELDS = frozenset(
    {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "exc_info",
        "stack_info",
        # The request log (shared.middleware) and Django's own request warnings.
        "method",
        "route",
        "status",
        "status_code",
        "duration_ms",
    }
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(candidate: str | None) -> str:
    """The id a proxy sent, if it is a safe token; a new one otherwise."""
    if candidate and _SAFE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return new_request_id()


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_set(request_id: str | None) -> Token[str | None]:
    """Bind ``request_id`` until ``request_id_reset`` is given the token (for code that binds
    and unbinds in two calls, such as the task signals); prefer ``request_id_bound``."""
    return _request_id.set(request_id or new_request_id())


def request_id_reset(token: Token[str | None]) -> None:
    try:
        _request_id.reset(token)
    except ValueError:  # bound in another context (RQ runs its callbacks apart): just clear
        _request_id.set(None)


@contextmanager
def request_id_bound(request_id: str | None = None) -> Iterator[str]:
    """Every line logged inside carries ``request_id`` (a new one if none is given)."""
    value = request_id or new_request_id()
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


@contextmanager
def route_bound() -> Iterator[None]:
    """Lines logged inside carry the route once ``route_resolved`` names it."""
    token = _route.set(None)
    try:
        yield
    finally:
        _route.reset(token)


def route_resolved(route: str) -> None:
    _route.set(route)


def current_route() -> str | None:
    return _route.get()


def route_of(request: HttpRequest) -> str:
    """The URL's name (``passports:detail``), never its path: a path can hold a secret, such
    as a calendar feed's token, and ids that point at a person."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return "unmatched"
    return str(match.view_name)


def unobserved[View: Callable[..., Any]](view: View) -> View:
    """Leave this view's requests out of the request log and the request metrics: its mere
    timing would say who did it (the network's anonymous question box)."""
    view.unobserved = True  # type: ignore[attr-defined]
    return view


def is_unobserved(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match is not None and getattr(match.func, "unobserved", False))


def describe_exception(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """A traceback as Python prints it, with each exception's words left out unless it is
    plain-spoken (``is_plain_spoken``). Chained exceptions are shown too."""
    if exc is None:
        return "".join(traceback.format_tb(tb)) if tb else ""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for index, item in enumerate(reversed(chain)):
        if index:
            parts.append("\nThe above exception led to the following one:\n\n")
        frames = item.__traceback__ if item is not exc else (tb or item.__traceback__)
        if frames is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(frames))
        parts.append(exception_summary(item) + "\n")
    return "".join(parts).rstrip("\n")


def exception_summary(exc: BaseException) -> str:
    """``module.Type: words`` for a plain-spoken exception, ``module.Type: [withheld]`` else."""
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    return f"{name}: {exception_text(exc)}"


def exception_text(exc: BaseException) -> str:
    return str(exc) if is_plain_spoken(exc) else WITHHELD


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (and the route) to every record, turns the path that Django's
    request and security warnings quote ("Not Found: /calendar/<secret>.ics") into the route's
    name, and tells an exception logged as the message itself (``logger.exception(exc)``, as
    some libraries do) by its type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, BaseException):
            record.msg, record.args = exception_summary(record.msg), None
        request = getattr(record, "request", None)
        if getattr(record, "request_id", None) is None:
            request_id = current_request_id()
            if request_id is None and isinstance(request, HttpRequest):
                request_id = request.META.get(REQUEST_ID_META)
            if request_id is not None:
                record.request_id = request_id
        if getattr(record, "route", None) is None and current_route() is not None:
            record.route = current_route()
        if isinstance(request, HttpRequest):
            route = route_of(request)
            record.route = route
            paths = {request.path, request.path_info, request.get_full_path()}
            if isinstance(record.args, tuple):
                record.args = tuple(route if arg in paths else arg for arg in record.args)
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object a line: time, level, logger, message, request id, and the few extra
    fields in ``JSON_FIELDS``; exceptions as ``describe_exception`` tells them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        return describe_exception(*ei)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in log_data.items() if key in JSON_FIELDS}


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal, with the same care for exceptions as the JSON ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        kwargs.setdefault("defaults", {"request_id": "-"})
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the exception in full; this one tells it its way.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        return describe_exception(*ei)
