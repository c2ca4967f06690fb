"""Structured logs (结构化日志): one JSON object a line, with the request id, and no
personal data.

- ``RequestIdMiddleware`` takes the request id nginx made (``X-Request-ID``, nginx's
  ``$request_id``; a fresh one when absent or malformed), keeps it for the request's log
  lines and returns it in the response, so a user's error page, nginx's access log and
  Canlian's lines can be matched. It writes one line per request: the view's URL *name*,
  method, status and duration — never the path or query string, which carry resident IDs
  and names typed into the search box.
- ``JsonFormatter`` (python-json-logger) writes each record with its time, level, logger,
  process and request id. ``RedactFilter`` masks resident IDs (``core.logmask``) and mobile
  phone numbers in every message and argument, whichever logger wrote them.

Turn it on with ``CANLIAN_LOG_FORMAT=json`` (the systemd units do); development keeps
Django's plain lines.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
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
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger", "process": "pid"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        if getattr(record, "request_id", ""):
            log_data["request_id"] = record.request_id
        if "exc_info" in log_data:  # tracebacks quote values: masked like the message
            log_data["exc_info"] = redact(log_data["exc_info"])


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
