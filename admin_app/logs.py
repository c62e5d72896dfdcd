"""The app's log: one line per event, JSON in production (one object a line, for the city's log server), readable
text on a laptop; a request id per request; who asked (user id and roles), never what about.

What a line may carry: time, level, logger, message, request id, user id, roles, method, path, status, duration.
What it never carries: form values, query strings (a search box's terms are victims' names and NIKs), cookies,
the SQL parameters of a failed statement (the engine hides them: `hide_parameters` in config.py). The path is
logged without its query string; every route's variable parts are record ids (ints) or type codes.

The access line is ours (logger `jangkau.access`), so werkzeug's own request line (which prints the query string)
is dropped, and gunicorn's access log is off in deploy/gunicorn.conf.py.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

FORMATS = ("json", "text")
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept when it looks like one (nginx's $request_id is 32 hex digits, others use UUIDs); anything
# else, which could smuggle text or line breaks into the log, is replaced by our own.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
CONTEXT_FIELDS = ("request_id", "user_id", "roles", "method", "path", "status", "duration_ms")

access_log = logging.getLogger("jangkau.access")


def request_context() -> dict[str, object]:
    """The request's fields for a log line (empty outside a request)."""
    if not has_request_context():
        return {}
    fields: dict[str, object] = {"request_id": g.get("request_id"), "method": request.method, "path": request.path}
    user = g.get("_login_user")  # Flask-Login's cache: never load the user just for a log line
    if user is not None and getattr(user, "is_authenticated", False):
        fields["user_id"] = user.id
        fields["roles"] = sorted(user.role_codes)
    return fields


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in request_context().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} [{rid}]" if rid else line


class DropWerkzeugRequestLine(logging.Filter):
    """werkzeug's development server logs `127.0.0.1 - - [date] "GET /admin/cases/?search=<name> HTTP/1.1" 200 -`
    (its format: address, date, then `"%s" %s %s` filled with the request line): ours replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and '] "%s" %s %s' in record.msg)


_handler: logging.Handler | None = None


def make_handler(stream, log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestContextFilter())
    return handler


def configure_logging(log_format: str, level: str | int) -> None:
    """One handler on the root logger, ours (replaced when another app is built in the same process)."""
    global _handler
    if log_format not in FORMATS:
        raise ValueError(f"JANGKAU_LOG_FORMAT harus salah satu dari {', '.join(FORMATS)}, bukan {log_format!r}")
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler = make_handler(sys.stderr, log_format)
    root.addHandler(handler)
    root.setLevel(level)
    _handler = handler
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropWerkzeugRequestLine) for f in werkzeug.filters):
        werkzeug.addFilter(DropWerkzeugRequestLine())
    # Alembic's "Running upgrade ..." and "Context impl ..." lines only at DEBUG; the SQLAlchemy engine never below
    # WARNING (its INFO is every statement).
    quiet = logging.INFO if root.level <= logging.DEBUG else logging.WARNING
    for name in ("alembic", "flask_migrate"):
        logging.getLogger(name).setLevel(quiet)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    @app.before_request
    def _start():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        rid = g.get("request_id")
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        access_log.info("%s %s %s", request.method, request.path, response.status_code,
                        extra={"status": response.status_code, "duration_ms": duration})
        return response
