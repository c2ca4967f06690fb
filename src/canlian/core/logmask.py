"""Masking resident IDs in log lines (日志脱敏).

Search query strings and API paths carry resident IDs and certificate numbers (which
contain the ID); Django logs the path of every 4xx/5xx and the development server logs
every request. The filter rewrites each 18-character ID it finds to its masked form
(first six, last four), in the message and its arguments, before any handler writes it.
``GunicornLogger`` does the same for gunicorn's access log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# 17 digits and a check character, alone or as the start of a certificate number (the ID,
# category 1–7, grade 1–4, and B1… for a reissue), not inside any longer run of digits.
ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3})([0-9Xx])"
                        r"(?=[1-7][1-4](?:B[1-9])?(?![0-9])|(?![0-9]))")


def mask_text(text: str) -> str:
    return ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(3)}{m.group(4)}", text)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bytes):
        return mask_text(value.decode("utf-8", "replace"))
    return value


class MaskResidentIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask(v) for k, v in record.args.items()}
        return True


try:  # gunicorn is a production/bench dependency, not a requirement of the package
    from gunicorn.glogging import Logger as _GunicornLogger  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """``gunicorn --logger-class canlian.core.logmask.GunicornLogger``: access lines masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: _mask(v) for k, v in atoms.items()}
