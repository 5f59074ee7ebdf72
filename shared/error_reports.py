"""Error reports to Sentry, only when ``SENTRY_DSN`` is set, and nothing personal in them.

A report tells the team where the code failed: the exception's type, its stack (file, line,
function, the lines of code around it), the route's name, the request's method and id, the
release. It never carries what a person typed or is (trust rule 11): no request body, no
cookies, no query string, no path (a calendar feed's path is its secret), no headers but a
few harmless ones, no user, no local variables, and no exception's words unless they describe
the machine (``shared.logs.is_plain_spoken``): a database error quotes the row it refused.

Two layers do this. The SDK is told to collect none of it (``data_collection``), and
``scrub_event`` then keeps only the fields listed here, so whatever a future SDK version or
integration adds is dropped rather than sent. Breadcrumbs keep a log line's template, never
its arguments. Sentry's own log, metric, span and session features are off: errors only.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

from shared.logs import (
    REQUEST_ID_HEADER,
    WITHHELD,
    current_request_id,
    current_route,
    exception_summary,
    is_plain_spoken,
)

#: Top-level fields a report may keep; the rest are dropped.
EVENT_FIELDS = frozenset(
    {
        "event_id",
        "timestamp",
        "level",
        "platform",
        "logger",
        "transaction",
        "server_name",
        "release",
        "environment",
        "dist",
        "exception",
        "threads",
        "logentry",
        "request",
        "tags",
        "contexts",
        "breadcrumbs",
        "fingerprint",
        "sdk",
        "modules",
    }
)
#: Request headers that say nothing about who asked.
SAFE_HEADERS = frozenset({"content-type", "content-length", "accept", REQUEST_ID_HEADER.lower()})
#: Context blocks about the machine, not the person (``trace`` only links events together).
SAFE_CONTEXTS = frozenset({"runtime", "os", "trace"})
SAFE_TAGS = frozenset({"request_id", "route"})
#: Parts of a stack frame: where the code is and the code itself, never its variables.
FRAME_FIELDS = frozenset(
    {
        "filename",
        "abs_path",
        "module",
        "function",
        "lineno",
        "colno",
        "in_app",
        "context_line",
        "pre_context",
        "post_context",
        "instruction_addr",
        "platform",
    }
)
BREADCRUMB_FIELDS = frozenset({"type", "category", "level", "timestamp"})


def error_reports_init(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    sample_rate: float = 1.0,
    transport: Transport | None = None,
) -> None:
    """Start reporting errors to ``dsn``. ``transport`` is for the tests, which keep what
    would be sent in memory to read it."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        sample_rate=sample_rate,
        transport=transport,
        integrations=[
            DjangoIntegration(),
            # Errors logged at ERROR become reports; lower lines only breadcrumbs; none is
            # sent as a Sentry log.
            LoggingIntegration(level=None, event_level=logging.ERROR),
        ],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=None,
        auto_session_tracking=False,
        before_send=_before_send,
        before_breadcrumb=_before_breadcrumb,
        before_send_log=_drop,
        before_send_metric=_drop,
        before_send_span=_drop,
        before_send_check_in=_drop,
    )


def _drop(item: Any, hint: Any) -> None:
    return None


def _before_send(event: Event, hint: Hint) -> Event | None:
    return cast("Event", scrub_event(cast("dict[str, Any]", event), hint))


def _before_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb | None:
    return scrub_breadcrumb(crumb, hint)


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report with only what ``EVENT_FIELDS`` allows, each part scrubbed."""
    kept: dict[str, Any] = {key: value for key, value in event.items() if key in EVENT_FIELDS}
    plain = _plain_spoken_types(hint)
    if isinstance(kept.get("exception"), dict):
        kept["exception"] = {
            "values": [
                _scrub_exception(value, plain)
                for value in kept["exception"].get("values") or []
                if isinstance(value, dict)
            ]
        }
    if isinstance(kept.get("threads"), dict):
        kept["threads"] = {
            "values": [
                {
                    **{k: v for k, v in thread.items() if k in {"id", "current", "crashed"}},
                    **_scrub_stacktrace(thread),
                }
                for thread in kept["threads"].get("values") or []
                if isinstance(thread, dict)
            ]
        }
    if "logentry" in kept:
        kept["logentry"] = _scrub_logentry(kept["logentry"], (hint or {}).get("log_record"))
    if "request" in kept:
        kept["request"] = _scrub_request(kept["request"])
    tags = kept.get("tags")
    kept["tags"] = (
        {key: value for key, value in tags.items() if key in SAFE_TAGS}
        if isinstance(tags, dict)
        else {}
    )
    request_id = current_request_id()
    if request_id:
        kept["tags"]["request_id"] = request_id
    # The route's name, never the SDK's guess (a path pattern, or a query's SQL outside one).
    route = current_route()
    kept.pop("transaction", None)
    if route:
        kept["transaction"] = route
        kept["tags"]["route"] = route
    contexts = kept.get("contexts")
    if isinstance(contexts, dict):
        kept["contexts"] = {key: value for key, value in contexts.items() if key in SAFE_CONTEXTS}
    breadcrumbs = kept.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        # Each was scrubbed when it was recorded (``scrub_breadcrumb``); a message left on one
        # is a log line's template. Anything else is dropped again here.
        kept["breadcrumbs"] = {
            "values": [
                {k: v for k, v in crumb.items() if k in BREADCRUMB_FIELDS or k == "message"}
                for crumb in breadcrumbs.get("values") or []
                if isinstance(crumb, dict)
            ]
        }
    return kept


def _plain_spoken_types(hint: dict[str, Any] | None) -> set[tuple[str, str]]:
    """(module, name) of each exception in the reported chain whose words may be sent:
    decided on the exception objects themselves, which the hint carries."""
    exc_info = (hint or {}).get("exc_info")
    current = exc_info[1] if exc_info else None
    seen: list[BaseException] = []
    while isinstance(current, BaseException) and current not in seen:
        seen.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return {(type(exc).__module__, type(exc).__name__) for exc in seen if is_plain_spoken(exc)}


def _scrub_exception(value: dict[str, Any], plain: set[tuple[str, str]]) -> dict[str, Any]:
    """The exception's type, module and frames; its words only for a plain-spoken one."""
    kept: dict[str, Any] = {
        key: value[key] for key in ("type", "module", "thread_id") if key in value
    }
    if "value" in value:
        kind = (str(value.get("module") or "builtins"), str(value.get("type")))
        kept["value"] = value["value"] if kind in plain else WITHHELD
    mechanism = value.get("mechanism")
    if isinstance(mechanism, dict):
        kept["mechanism"] = {
            key: item
            for key, item in mechanism.items()
            if key in {"type", "handled", "exception_id", "parent_id", "is_exception_group"}
        }
    kept.update(_scrub_stacktrace(value))
    return kept


def _scrub_stacktrace(value: dict[str, Any]) -> dict[str, Any]:
    stacktrace = value.get("stacktrace")
    if not isinstance(stacktrace, dict):
        return {}
    return {
        "stacktrace": {
            "frames": [
                {key: item for key, item in frame.items() if key in FRAME_FIELDS}
                for frame in stacktrace.get("frames") or []
                if isinstance(frame, dict)
            ]
        }
    }


def _scrub_logentry(entry: Any, record: Any) -> dict[str, Any]:
    """A log line's template ("Email %s failed after %d attempts"), never its arguments; an
    exception logged as the message itself (``logger.exception(exc)``) by its type."""
    if isinstance(record, logging.LogRecord):
        if isinstance(record.msg, BaseException):
            return {"message": exception_summary(record.msg)}
        return {"message": record.msg} if isinstance(record.msg, str) else {}
    template = entry.get("message") if isinstance(entry, dict) else None
    return {"message": template} if isinstance(template, str) else {}


def _scrub_request(request: Any) -> dict[str, Any]:
    """The method and the harmless headers: no URL (its path may be a secret), no query
    string, body, cookies or server variables."""
    if not isinstance(request, dict):
        return {}
    kept: dict[str, Any] = {}
    if isinstance(request.get("method"), str):
        kept["method"] = request["method"]
    headers = request.get("headers")
    if isinstance(headers, dict):
        kept["headers"] = {
            key: value for key, value in headers.items() if key.lower() in SAFE_HEADERS
        }
    return kept


def scrub_breadcrumb(
    crumb: dict[str, Any], hint: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Where and when, and for a log line its template: a breadcrumb's message and data may
    hold a query's values, a URL or a person's words."""
    kept = {key: value for key, value in crumb.items() if key in BREADCRUMB_FIELDS}
    record = (hint or {}).get("log_record")
    if isinstance(record, logging.LogRecord) and isinstance(record.msg, str):
        kept["message"] = record.msg
    return kept
