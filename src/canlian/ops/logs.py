"""Structured logs (结构化日志): one JSON object a line, with the request id, and no
personal data.

- ``RequestIdMiddleware`` takes the request id nginx made (``X-Request-ID``, nginx's
  ``$request_id``; a fresh one when absent or malformed), keeps it for the request's log
  lines and returns it in the response, so a user's error page, nginx's access log and
  Canlian's lines can be matched. It writes one line per request: the view's URL *name*,
  method, status and duration — never the path or query string, which carry resident IDs
  and names typed into the search box.
- ``JsonFormatter`` (python-json-logger) writes each record with its time, level, logger,
  process and request id; extra fields that are objects (Django attaches the request to
  its 4xx/5xx records, whose text holds the path) are left out. ``RedactFilter`` masks
  resident IDs (``core.logmask``) and mobile phone numbers in every message and argument,
  whichever logger wrote them, and writes tracebacks without the exceptions' messages
  (a database error quotes the values it refused, a job's error may quote a name): the
  frames and the exception's type are enough to find the fault, and the message is kept
  where access is controlled (a scheduled run's error on ``/ops/``).

Turn it on with ``CANLIAN_LOG_FORMAT=json`` (the systemd units do); development keeps
Django's plain lines.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from canlian.core.logmask import MaskResidentIds, mask_text

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Mainland mobile numbers (1[3-9]x xxxx xxxx), not inside a longer run of digits.
PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")
requests_log = logging.getLogger("canlian.requests")


def redact(text: str) -> str:
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", mask_text(text))


class RedactFilter(MaskResidentIds):
    """Resident IDs and mobile numbers masked; the record gets the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        record.request_id = request_id.get()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = safe_traceback(record.exc_info[1])
        return True


def safe_traceback(exc: BaseException) -> str:
    """The traceback's frames (file, line, function; not the source line) and each
    exception's type, without its message."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for link in reversed(chain):
        parts.append("Traceback (most recent call last):\n"
                     + "".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
                               for f in traceback.extract_tb(link.__traceback__))
                     + f"{type(link).__module__}.{type(link).__qualname__} (message not logged)")
    return "\n\nDuring handling of the above exception, another exception occurred:\n\n".join(parts)


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger", "process": "pid"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatException(self, ei: Any) -> str:  # noqa: N802  logging's name
        return safe_traceback(ei[1]) if ei and ei[1] is not None else ""

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in list(log_data):
            value = log_data[key]
            if isinstance(value, str):
                log_data[key] = redact(value)
            elif not isinstance(value, int | float | bool | type(None)):
                del log_data[key]  # e.g. Django's request object, whose text has the path
        if not log_data.get("request_id"):
            log_data.pop("request_id", None)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            requests_log.info("request", extra={
                "view": (match.view_name if match else "") or "unmatched",
                "method": request.method, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(token)
